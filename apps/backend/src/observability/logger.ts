import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Redaction is a second line of defence for the TMDB key: the code never logs request
 * headers of outgoing calls or axios error objects, but anything named like a credential is censored anyway.
 */
export function createLogger(
  options: { level: string; base?: Record<string, unknown> },
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: options.level,
      base: options.base,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'headers.authorization',
          'config.headers.Authorization',
          'config.params.api_key',
          'apiKey',
          'api_key',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
