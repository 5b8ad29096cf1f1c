/**
 * Stable error codes. Each is documented in docs/errors.md; the CLI maps the namespace to an
 * exit code and the server (later) to an HTTP status, in one place each. Messages say what
 * happened and what to do; they never carry a victim's or source's identity.
 */
export const ERROR_CODES = {
  'CONFIG.INVALID': 'configuration is invalid',
  'ARCHIVE.NOT_FOUND': 'no archive at the data directory',
  'ARCHIVE.ALREADY_EXISTS': 'an archive already exists there',
  'ARCHIVE.LOCKED': 'another process has the archive open',
  'ARCHIVE.NEWER_SCHEMA': 'the archive was written by a newer Custody',
  'INGEST.SOURCE_NOT_FOUND': 'the source path does not exist',
  'INGEST.SOURCE_NOT_DIRECTORY': 'the source is not a directory',
  'INGEST.SOURCE_CONTAINS_ARCHIVE': 'the source folder contains the archive',
  'INGEST.SOURCE_UNREADABLE': 'a source file or folder could not be read',
  'INGEST.SOURCE_CHANGED': 'a source file changed while it was being read',
  'INGEST.SPECIAL_FILE': 'a source entry is a device, socket or pipe',
  'INGEST.ACQUISITION_CONFLICT': 'the acquisition exists with different details',
  'INGEST.EMPTY_FILE': 'the file is empty',
  'INGEST.INTERRUPTED': 'ingest was interrupted',
  'BLOB.HASH_MISMATCH': 'stored bytes do not match their hash',
  'BLOB.MISSING': 'a blob is missing from the store',
  'MEDIA.PROBE_FAILED': 'ffprobe could not read the media',
  'MEDIA.PROBE_TIMEOUT': 'ffprobe took too long',
  'MEDIA.TRUNCATED': 'the media file is truncated',
  'MEDIA.NO_STREAMS': 'the media file has no audio or video streams',
  'MEDIA.TRANSCODE_FAILED': 'ffmpeg could not make a derivative',
  'MEDIA.TRANSCODE_TIMEOUT': 'ffmpeg took too long or stopped making progress',
  'MEDIA.ANALYSIS_FAILED': 'a video could not be decoded, read or searched for faces',
  'ITEM.NOT_FOUND': 'no such item',
  'ITEM.AMBIGUOUS': 'the id prefix matches several items',
  'ACQUISITION.NOT_FOUND': 'no such acquisition',
  'VERIFY.FAILED': 'verification found problems',
  'BAGIT.INVALID': 'the BagIt bag is incomplete, altered or malformed',
  'EXPORT.TARGET_NOT_EMPTY': 'the export folder exists and is not empty',
  'EXPORT.NOTHING_SELECTED': 'the export selection is empty',
  'EXPORT.INTERRUPTED': 'the export was interrupted',
  'SEAL.KEY_UNREADABLE': 'the archive signing key could not be read or created',
  'TSA.FAILED': 'a time-stamping authority gave no valid timestamp',
  'USAGE.INVALID': 'invalid command-line usage',
  'AUTH.REQUIRED': 'the request needs a signed-in session',
  'AUTH.FORBIDDEN': "the account's role does not allow this",
  'AUTH.INVALID_CREDENTIALS': 'wrong email, password or code',
  'AUTH.TOTP_REQUIRED': 'the account needs its second-factor code',
  'AUTH.THROTTLED': 'too many failed logins; wait before trying again',
  'AUTH.CROSS_SITE': 'a state-changing request came from another site',
  'AUTH.INVITATION_INVALID': 'the invitation or setup link is unknown, used or expired',
  'ACCOUNT.EXISTS': 'an account with this email exists',
  'REQUEST.INVALID': 'the request does not match the API schema',
  'CATALOGUE.NOT_FOUND':
    'no such incident, person, facility, organisation, segment, source, claim or response',
  'CATALOGUE.INVALID_REFERENCE': 'a record refers to another that does not exist',
  'VERIFICATION.OWN_WORK':
    'the last change to the record is your own: another reviewer signs it off',
  'VERIFICATION.NOT_IN_REVIEW': 'only a record in review can be signed off',
  'VERIFICATION.CHANGED': 'the record changed since you looked at it',
  'ALLEGATION.NOT_FOUND': 'no such allegation, or no allegation has this receipt code',
  'ALLEGATION.THROTTLED':
    'too many wrong receipt codes were tried recently; wait before trying again',
  'ALLEGATION.UPLOAD_REFUSED': 'an upload without a valid upload token, or past its limits',
  'ALLEGATION.UPLOAD_FAILED': 'a finished upload could not be stored yet (it is retried)',
  'REDACTION.NOT_FOUND': 'no such redaction',
  'REDACTION.OWN_WORK': 'you changed this redaction: another reviewer approves it',
  'REDACTION.CHANGED': 'the redaction changed since you looked at it',
  'REDACTION.LOCKED': 'an approved redaction, or one being rendered, cannot be changed',
  'REDACTION.NOT_RENDERED': 'the redaction has no render of its current version',
  'RELEASE.NOT_FOUND': 'no such release, or it is not shared with you',
  'RELEASE.OWN_WORK': 'you changed this release: another reviewer approves it',
  'RELEASE.CHANGED': 'the release changed since you looked at it',
  'RELEASE.LOCKED': 'a submitted, approved or revoked release cannot be changed',
  'RELEASE.NOT_READY': 'the release is not ready for this step',
  'RELEASE.LINK_INVALID': 'the link is unknown, expired or revoked',
  'RELEASE.BUSY': 'too many watermarked downloads are being prepared; try again later',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorDetail {
  readonly code: string;
  readonly path: string | null;
  readonly message: string;
}

export class CustodyError extends Error {
  readonly code: ErrorCode;
  /** What the user can do about it. */
  readonly hint: string | undefined;
  /** The individual findings behind the error (e.g. each problem of a bag), for the operator. */
  readonly details: readonly ErrorDetail[];

  constructor(
    code: ErrorCode,
    message: string,
    options?: { hint?: string; cause?: unknown; details?: readonly ErrorDetail[] },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CustodyError';
    this.code = code;
    this.hint = options?.hint;
    this.details = options?.details ?? [];
  }
}

export function isCustodyError(e: unknown): e is CustodyError {
  return e instanceof CustodyError;
}
