/** An error the user can fix (bad file name, bad flag); the CLI prints its message without a stack and exits 2. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'UserError';
  }
}
