// Error codes and messages as Coze sends them (Coze's error-code reference). Where the cloud's exact wording is not
// known, the text is the documented meaning in the cloud's style.

export const MSG = {
  authInvalid: 'authentication is invalid',
  accessTokenInvalid: 'access token invalid',
  noPermission:
    'The token you entered does not have the permission required for this operation. Please check the permissions of your token.',
  paramError: 'Request parameter error',
  workflowNotFound: 'Workflow not found. Please verify the workflow exists.',
  asyncPremium: 'Workflow execution with is_async=true is a premium feature available only to Coze Professional users',
  syncInterrupt: 'Synchronous requests do not support interruption',
  transientFailure: "We're currently experiencing server issues. Please try again later.",
  recordNotFound: 'Execution record not found. Please verify the workflow_id and execute_id are correct.',
  executionEnded: 'Execution has ended and cannot be resumed.',
  asyncNodeFailed: "[720712000] Node 'LLM' execution failed: the model request timed out. 节点执行失败。",
  uploadEmpty: 'No file was uploaded: send multipart/form-data with one non-empty part named "file".',
  uploadTooMany: 'Only one file can be uploaded per request.',
  uploadTooLarge: 'The file exceeds the maximum size of 512 MB.',
  fileNotFound: 'File not found. Please verify the file_id.',
  studioCookieAuth: 'authentication failed: missing session_key in cookie',
  internalError: 'internal server error',
} as const;

/** Messages of the rate-limit / quota family (limitCode knob). */
export const LIMIT_MESSAGES: Readonly<Record<number, string>> = {
  4008: 'The daily request limit of this user has been reached. Please try again tomorrow.',
  4009: 'The system request ceiling has been reached. Please try again later.',
  4013: 'The request rate limit has been exceeded. Please try again later.',
  4020: 'The RPM limit has been exceeded. Please try again later.',
};

export function unknownEndpointMessage(method: string, path: string): string {
  return `The requested API endpoint ${method} ${path} does not exist`;
}
