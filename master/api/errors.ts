// The API's errors: an HTTP status, a stable code a client can act on, and a message for people.

export type ApiErrorCode =
  | 'UNAUTHORIZED'
  | 'INVALID_REQUEST'
  | 'NOT_FOUND'
  | 'JOB_NOT_FOUND'
  | 'HOST_NOT_FOUND'
  | 'INVALID_TARGET'
  | 'CONFIG_INVALID'
  | 'INTERNAL';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ApiErrorCode,
    message: string,
    /** Coded errors behind it (configuration problems), already fit to show. */
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
