import { ArgumentMetadata, Type, ValidationError, ValidationPipe } from '@nestjs/common';
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

/**
 * A DTO's validation for a hot socket event, without class-transformer and class-validator on
 * the common path: `accept` recognises a valid value cheaply and returns the DTO, or returns
 * undefined for anything else, which then goes through the shared pipe, so every refusal (and
 * every edge case) is the pipe's own. `accept` must never take a value the pipe would refuse;
 * its spec checks that against the pipe.
 */
export function validatorFor<T extends object>(
  metatype: Type<T>,
  accept: (value: unknown) => T | undefined,
): (value: unknown) => T | Promise<T> {
  const pipe = createValidationPipe();
  const metadata: ArgumentMetadata = { type: 'body', metatype, data: undefined };
  return (value) => accept(value) ?? (pipe.transform(value, metadata) as Promise<T>);
}

/** A plain JSON object whose own keys are all among `allowed` (whitelisting lets no other). */
export function isPlainWith(
  value: unknown,
  allowed: ReadonlySet<string>,
): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) if (!allowed.has(key)) return false;
  return true;
}
