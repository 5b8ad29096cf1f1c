/** Path parameters shared by routes: `:id` must be a UUID (anything else is a 400, not a lookup). */
export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;
