import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError } from '@/common/errors/app-error';

function firstViolation(
  errors: ValidationError[],
  parent = '',
): { field: string; message: string } {
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const constraints = Object.values(error.constraints ?? {});
    if (constraints.length > 0) return { field, message: constraints[0] };
    if (error.children && error.children.length > 0) return firstViolation(error.children, field);
  }
  return { field: parent, message: 'invalid value' };
}

/** Whitelisting validation shared by HTTP and sockets; reports the first field at fault. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => {
      const { field, message } = firstViolation(errors);
      return new AppError('VALIDATION_FAILED', message, { field });
    },
  });
}
