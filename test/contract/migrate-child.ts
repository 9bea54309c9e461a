/** Run as a separate process by migrations.test.ts: migrates the database named by the environment, prints the report. */
import { loadConfig } from '../../src/config.js';
import { openBackend } from '../../src/store/open.js';

const store = openBackend(loadConfig(process.env));
try {
  process.stdout.write(JSON.stringify(await store.migrate()));
} finally {
  await store.close();
}
