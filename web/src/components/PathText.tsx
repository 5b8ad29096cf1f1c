import type { ReactNode } from 'react';

/**
 * Text from evidence (file names, folders, metadata) is hostile input. It is only ever a React
 * text child (escaped, never HTML), and isolated with <bdi> so a right-to-left override in it
 * cannot reorder the text around it. dir="ltr" keeps paths reading left to right.
 */
export function PathText({
  children,
  className,
}: {
  children: string;
  className?: string;
}): ReactNode {
  return (
    <bdi dir="ltr" className={className}>
      {children}
    </bdi>
  );
}

/** Untrusted text of unknown direction (names, tags): isolated, direction from its content. */
export function Untrusted({ children }: { children: string }): ReactNode {
  return <bdi>{children}</bdi>;
}
