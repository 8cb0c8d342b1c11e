/**
 * `true` when A and B are the same type (not merely assignable one way), else `false`.
 * Used to pin a zod schema's inferred type to the interface its owner declares.
 *
 * @example
 * const check: TypeEquals<z.infer<typeof schema>, Report> = true; // fails to compile on drift
 */
export type TypeEquals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
