/**
 * Why a file could not be imported. `code` is stable (REST clients and tests match on it), `message` is for a
 * person and always names the file; `status` is the HTTP status the REST layer answers with.
 */
export type ImportErrorCode =
  | 'too_large'
  | 'unsupported_format'
  | 'unsupported_encoding'
  | 'corrupt_archive'
  | 'unsafe_path'
  | 'not_refi_qda'
  | 'bad_xml'
  | 'bad_csv'
  | 'missing_source'
  | 'selection_outside_source'
  | 'unknown_reference'
  | 'empty_file'
  | 'invalid_bundle'
  | 'no_text'
  | 'corrupt_pdf'
  | 'encrypted_pdf';

const STATUS: Partial<Record<ImportErrorCode, number>> = {
  too_large: 413,
  unsupported_format: 415,
  unsupported_encoding: 415,
  no_text: 422,
  encrypted_pdf: 422,
};

export class ImportError extends Error {
  readonly status: number;

  constructor(
    readonly file: string,
    readonly code: ImportErrorCode,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'ImportError';
    this.status = STATUS[code] ?? 400;
  }
}
