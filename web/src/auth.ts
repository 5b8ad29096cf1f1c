import { useQuery, type QueryClient } from '@tanstack/react-query';
import { api, type Account } from './api.ts';

export const ME_KEY = ['me'] as const;

/** The signed-in account: undefined while loading, null when signed out. */
export function useMe(): { me: Account | null | undefined; error: unknown; refetch: () => void } {
  const q = useQuery({ queryKey: ME_KEY, queryFn: () => api.me(), staleTime: 60_000 });
  return { me: q.data, error: q.error, refetch: () => void q.refetch() };
}

/** Forget everything of the previous session (lists of evidence included). */
export function signedOut(queryClient: QueryClient): void {
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
  queryClient.setQueryData(ME_KEY, null);
}

/** Only same-site paths are followed after login (no open redirect). */
export function safeNext(next: unknown): string | null {
  return typeof next === 'string' &&
    next.startsWith('/') &&
    !next.startsWith('//') &&
    !next.startsWith('/\\')
    ? next
    : null;
}

/** The email of an account just created, to fill in on the login page (memory only). */
let createdEmail: string | null = null;
export function rememberCreatedEmail(email: string): void {
  createdEmail = email;
}
export function takeCreatedEmail(): string | null {
  const e = createdEmail;
  createdEmail = null;
  return e;
}
