import { expect } from 'vitest';
import type { ApiResponse } from './server.js';

/** Asserts a REST refusal exactly: its status and the `{error: {code, message}}` body (docs/API.md). */
export function expectError(answer: ApiResponse, status: number, code: string, message: string): void {
  expect({ status: answer.status, body: answer.body }).toEqual({ status, body: { error: { code, message } } });
}
