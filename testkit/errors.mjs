// Errors as Step Functions reports them to Retry and Catch: AWS service errors of the SDK
// integrations ("<Service>.<Code>"), Lambda function errors (the exception type) and the modeled
// error tables of the services the stand-ins play. Every error made here is marked as expected: the
// executor re-throws any other error a stand-in throws as a bug of the test kit.
import { uuidOf } from './ids.mjs';

const EXPECTED = Symbol('expected');

/** Whether the error was made here (a modeled or scripted AWS error), not thrown by a bug. */
export function isModeled(error) {
  return error?.[EXPECTED] === true;
}

/** An error with the ASL error name matched by Retry/Catch; its message is the Cause. */
export function named(name, cause) {
  const error = new Error(cause);
  error.name = name;
  error[EXPECTED] = true;
  return error;
}

/** A function error of a Lambda task: Error is the exception type, Cause the runtime's error document. */
export function functionError(errorType, errorMessage) {
  return named(errorType, JSON.stringify({ errorType, errorMessage, stackTrace: [] }));
}

let requestCounter = 0;
/** An AWS service error as the SDK integrations report it: "<Service>.<Code>", message with the request id. */
export function serviceError(service, code, message, status = 400) {
  const requestId = uuidOf(`request/${++requestCounter}`);
  return named(`${service}.${code}`, `${message} (Service: ${service}, Status Code: ${status}, Request ID: ${requestId})`);
}

/** A scripted error of an SDK integration without a modeled table here (DynamoDB, SQS): "Code" or "<Service>.Code". */
export function scriptedServiceError(service, code, status) {
  return serviceError(service, code.replace(new RegExp(`^${service}\\.`), ''), 'scripted', status);
}

// Transcribe's modeled errors: request-rate and job-quota excess are both LimitExceededException
// (Transcribe models no ThrottlingException).
export const TRANSCRIBE_ERRORS = {
  LimitExceededException: [400, 'Either you have sent too many requests or your input file is too long. Wait before you resend your request, or use a smaller file and resend the request.'],
  InternalFailureException: [500, 'We were unable to process your request. Please try your request again.'],
  ConflictException: [409, 'The requested job name already exists. Use a different job name.'],
  BadRequestException: [400, 'Your request didn\'t pass one or more validation tests.'],
  NotFoundException: [400, 'We can\'t find the requested resource. Check the name and try your request again.'],
};

/** A Transcribe error: 'Code', 'Transcribe.Code' or { code, message } (the table's message by default). */
export function transcribeError(spec) {
  const { code, message } = typeof spec === 'string' ? { code: spec.replace(/^Transcribe\./, '') } : { ...spec, code: spec.code.replace(/^Transcribe\./, '') };
  const [status, text] = TRANSCRIBE_ERRORS[code] ?? fail(`unknown Transcribe error ${code}`);
  return serviceError('Transcribe', code, message ?? text, status);
}

export const LAMBDA_SERVICE_ERRORS = {
  ServiceException: [500, 'Lambda was unable to process the request.'],
  TooManyRequestsException: [429, 'Rate Exceeded.'],
  AWSLambdaException: [502, 'Bad Gateway'],
  SdkClientException: [500, 'Unable to execute HTTP request: Connection reset'],
};

/**
 * A Lambda task error: 'Lambda.<Code>' is a Lambda service error of the table, any other name a
 * function error. Spec: a name, or { errorType, errorMessage }.
 */
export function lambdaError(spec) {
  const { errorType, errorMessage } = typeof spec === 'string' ? { errorType: spec, errorMessage: `scripted ${spec}` } : spec;
  if (errorType.startsWith('Lambda.')) {
    const code = errorType.slice('Lambda.'.length);
    const [status, text] = LAMBDA_SERVICE_ERRORS[code] ?? fail(`unknown Lambda service error ${errorType}`);
    return serviceError('Lambda', code, errorMessage.startsWith('scripted') ? text : errorMessage, status);
  }
  return functionError(errorType, errorMessage);
}

function fail(message) {
  throw new Error(message);
}
