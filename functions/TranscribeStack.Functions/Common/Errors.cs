namespace TranscribeStack.Functions;

// The Lambda runtime reports an unhandled exception's class name as the error type; the state
// machine records it as the failure's error. Each type names one kind of bad input.

/// <summary>The handler's input is missing a field or is not valid JSON.</summary>
public sealed class InvalidJobRequestException(string message) : Exception(message);

/// <summary>The uploaded object's extension is not a media format Transcribe accepts.</summary>
public sealed class UnsupportedMediaFormatException(string message) : Exception(message);

/// <summary>The transcript object does not exist.</summary>
public sealed class TranscriptNotFoundException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The transcript is not valid JSON, or ends before the document does.</summary>
public sealed class MalformedTranscriptException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The transcript is JSON, but not of the shape Transcribe writes.</summary>
public sealed class UnexpectedTranscriptShapeException(string message) : Exception(message);

/// <summary>The transcript is larger than the configured limit.</summary>
public sealed class TranscriptTooLargeException(string message) : Exception(message);
