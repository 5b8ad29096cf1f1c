/**
 * Where sources disagree. Outlets report the same official act with different figures ("three
 * officials fired", "seven officers fired") or dates; the record shows each value with the claims
 * that give it, side by side, instead of silently keeping one.
 *
 * Figures are compared only within one unit ("people fired" with "people fired", not with
 * "criminal cases"): a claim about another quantity is not a disagreement. Units are compared
 * without case or extra spaces.
 */

export interface ClaimSource {
  readonly id: string;
  readonly outlet: string;
  readonly url: string | null;
  readonly publishedOn: string | null;
}

/** A claim as conflicts see it: what it states and where it comes from. */
export interface ClaimFacts {
  readonly claimId: string;
  readonly quote: string;
  readonly figure: number | null;
  readonly figureUnit: string;
  /** 'YYYY-MM-DD' */
  readonly claimedDate: string | null;
  readonly source: ClaimSource;
}

export interface ConflictClaim {
  readonly claimId: string;
  readonly quote: string;
  readonly source: ClaimSource;
}

export interface ConflictValue {
  readonly value: number | string;
  readonly claims: readonly ConflictClaim[];
}

export interface Conflict {
  readonly field: 'figure' | 'date';
  /** For figures: the unit they count (as the first claim wrote it); null for dates. */
  readonly unit: string | null;
  /** Each distinct value once, in ascending order, with the claims that state it. */
  readonly values: readonly ConflictValue[];
}

/** 'People  Fired ' and 'people fired' are one unit. */
export function normaliseUnit(unit: string): string {
  return unit.trim().replace(/\s+/g, ' ').toLowerCase();
}

function conflictClaim(c: ClaimFacts): ConflictClaim {
  return { claimId: c.claimId, quote: c.quote, source: c.source };
}

/** Groups claims by value; a conflict when there are two values or more. */
function disagreement(
  field: Conflict['field'],
  unit: string | null,
  stated: readonly { value: number | string; claim: ClaimFacts }[],
): Conflict | null {
  const byValue = new Map<number | string, ConflictClaim[]>();
  for (const { value, claim } of stated) {
    const claims = byValue.get(value) ?? [];
    claims.push(conflictClaim(claim));
    byValue.set(value, claims);
  }
  if (byValue.size < 2) return null;
  const values = [...byValue.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([value, claims]) => ({ value, claims }));
  return { field, unit, values };
}

/**
 * The disagreements among the claims that report one response: figures per unit (units in the
 * order they first appear), then dates.
 */
export function findConflicts(claims: readonly ClaimFacts[]): Conflict[] {
  const conflicts: Conflict[] = [];
  const units = new Map<
    string,
    { label: string; stated: { value: number; claim: ClaimFacts }[] }
  >();
  for (const claim of claims) {
    if (claim.figure === null) continue;
    const key = normaliseUnit(claim.figureUnit);
    const group = units.get(key) ?? { label: claim.figureUnit.trim(), stated: [] };
    group.stated.push({ value: claim.figure, claim });
    units.set(key, group);
  }
  for (const { label, stated } of units.values()) {
    const conflict = disagreement('figure', label, stated);
    if (conflict !== null) conflicts.push(conflict);
  }
  const dated = claims.flatMap((claim) =>
    claim.claimedDate === null ? [] : [{ value: claim.claimedDate, claim }],
  );
  const dates = disagreement('date', null, dated);
  if (dates !== null) conflicts.push(dates);
  return conflicts;
}
