/**
 * The one error base class. `code` is stable and machine-readable; `message` is for people.
 * User-facing problems (bad manifests, refused plans, API errors) are TenantctlErrors and print
 * without a stack trace; anything else reaching the CLI is a bug and prints its stack.
 */
export class TenantctlError extends Error {
  readonly code: string;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TenantctlError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** An error answer from the Management API, with its `{statusCode, error, message, errorCode}` body. */
export class ApiError extends TenantctlError {
  readonly status: number;
  readonly errorCode: string | undefined;
  readonly method: string;
  readonly path: string;

  constructor(args: { status: number; method: string; path: string; message: string; errorCode?: string; hint?: string }) {
    super('api_error', `${args.method} ${args.path} failed with ${args.status}: ${args.message}`, { hint: args.hint });
    this.name = 'ApiError';
    this.status = args.status;
    this.errorCode = args.errorCode;
    this.method = args.method;
    this.path = args.path;
  }
}

/** A failure after which we cannot know whether the server acted (5xx or a dropped connection on a write). */
export class UncertainWriteError extends TenantctlError {
  constructor(method: string, path: string, cause: unknown) {
    super(
      'uncertain_write',
      `${method} ${path} failed and may or may not have been applied: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
}
