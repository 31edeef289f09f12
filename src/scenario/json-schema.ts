// The JSON Schema of scenario files, generated from the very checks that validate them
// (each combinator in validate.ts carries its schema), shipped as schema/scenario.schema.json
// so editors (yaml-language-server) complete and check scenarios. `npm run schema` writes it;
// a test keeps the file and the validator in step. Cross-field rules (cross-checks.ts) are
// not expressible here and are checked at load only.

import { fileURLToPath } from 'node:url';
import { scenarioCheck } from './schema.ts';
import { simSchemaDefinitions } from './sim-timing.ts';

export const scenarioSchemaPath = fileURLToPath(new URL('../../schema/scenario.schema.json', import.meta.url));

export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'faultline scenario',
    description: 'A faultline scenario: devices, workload and the nested IOPF path (IOMMU, VMM, guest), with an optional timeline. Defaults are in src/scenario/schema.ts.',
    ...scenarioCheck.schema,
    definitions: simSchemaDefinitions,
  };
}

/** The file's text: stable key order, two-space indent, final newline. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
