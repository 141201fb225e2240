import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json } from 'express';
import { AppError } from '@/common/errors/app-error';

interface BodyParserError {
  type?: string;
}

/**
 * express.json with its failures turned into stable error codes before Nest sees them
 * (Nest would otherwise report malformed JSON as a generic 400).
 */
export function jsonBody(limitBytes: number): RequestHandler {
  const parse = json({ limit: limitBytes });
  return (req: Request, res: Response, next: NextFunction) => {
    parse(req, res, (err?: unknown) => {
      if (!err) return next();
      const type = (err as BodyParserError).type;
      if (type === 'entity.too.large') {
        return next(
          new AppError('PAYLOAD_TOO_LARGE', `Request body is larger than ${limitBytes} bytes`),
        );
      }
      if (type === 'entity.parse.failed') {
        return next(new AppError('MALFORMED_JSON', 'Request body is not valid JSON'));
      }
      if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
        return next(new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported body encoding or charset'));
      }
      next(err);
    });
  };
}
