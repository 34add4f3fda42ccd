/**
 * Where a fact about software we don't own was read: the repository and path (or
 * the documentation URL) and the version it was read at. Every catalog entry
 * carries one, so a reviewer can re-check it when a pin moves.
 */
export interface Source {
  /** Repository and path with the tag/commit, or a documentation URL. */
  readonly at: string;
  /** What it says, in a few words or a short quote. */
  readonly says: string;
}
