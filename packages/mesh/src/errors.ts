/**
 * The one base of the errors that mean "the input is wrong" (a bad split, an unknown overlay, an invalid
 * VirtualService, a bad request body, bad configuration). It carries the HTTP status an answer to it gets, so a
 * handler picks the status from the error instead of testing each class: `error instanceof InputError ?
 * error.status : 500`. Subclasses keep their own name, so messages and `instanceof` checks stay as they were.
 */
export class InputError extends Error {
  override name = 'InputError';
  readonly status: number = 400;
}
