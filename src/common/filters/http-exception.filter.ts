import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { mapError } from '@/common/errors/error-mapper';

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request>();
    const mapped = mapError(exception);
    if (mapped.unexpected !== undefined) {
      this.logger.error(
        { err: mapped.unexpected, errorId: mapped.body.errorId, method: req.method, url: req.url },
        'unexpected error',
      );
    }
    if (res.headersSent) return;
    res.status(mapped.status).json({ error: mapped.body });
  }
}
