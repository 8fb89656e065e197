/**
 * The part of a suite's configuration that says what each case is sent with — its prompt and its
 * tools, tool choice and response format. Declared here, beside the code that reads them, and
 * composed into the whole `driftgate.yaml` schema by `config/schema.ts`.
 */
import { z } from 'zod';

export const messageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});

export const promptSchema = z.union([
  z.string().min(1).describe('Path of a template file (.md/.txt: one user message; .json/.yaml: a list of messages)'),
  z
    .strictObject({ messages: z.array(messageSchema).min(1) })
    .describe('Inline chat messages with {{var}} placeholders'),
]);

export const requestOptionFieldSchemas = {
  tools: z
    .union([z.string().min(1), z.array(z.record(z.string(), z.unknown()))])
    .optional()
    .describe(
      "Functions the model may call: a list of {name, description, parameters (JSON Schema)}, or a path to a .json/.yaml file holding one; a case's own `tools` replace them",
    ),
  tool_choice: z
    .union([z.string().min(1), z.record(z.string(), z.unknown())])
    .optional()
    .describe('auto, none, required, or {name: <tool>}'),
  response_format: z
    .union([z.string().min(1), z.record(z.string(), z.unknown())])
    .optional()
    .describe('text, json_object, or {type: json_schema, name, schema, strict}'),
};

export type PromptConfig = z.infer<typeof promptSchema>;
export type SuiteRequestOptionsConfig = z.infer<z.ZodObject<typeof requestOptionFieldSchemas>>;
