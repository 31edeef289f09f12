// `npm run schema`: write schema/scenario.schema.json from the scenario checks (json-schema.ts).

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { scenarioJsonSchemaText, scenarioSchemaPath } from './json-schema.ts';

mkdirSync(dirname(scenarioSchemaPath), { recursive: true });
writeFileSync(scenarioSchemaPath, scenarioJsonSchemaText());
console.log(`wrote ${scenarioSchemaPath}`);
