// `npm run rehearse [-- --remove <service>]`: the deploy workflow's sequence for every service of
// deploy/config.yml against a fresh local moto server, with the real action bundles run as the
// runner runs them (with --remove, once more without that service, which must be removed), then
// cleanup. Prints every step's job summary and exits non-zero when a step fails or the run strays
// from deploy.yml's sequence.
import { parseArgs } from 'node:util';
import { rehearse } from './rehearse/rehearse.js';
import { summaryAsText } from './rehearse/summary-text.js';

const started = Date.now();
try {
  const { values } = parseArgs({ options: { remove: { type: 'string' } } });
  const result = await rehearse({
    log: (line) => console.log(line),
    ...(values.remove ? { remove: values.remove } : {}),
  });
  console.log('\n== job summaries');
  for (const step of result.runner.steps) {
    console.log(`\n--- [${step.pass}] ${step.job} › ${step.title} (${step.action}, exit ${step.run.code})`);
    console.log(summaryAsText(step.run.summary) || '(no summary)');
  }
  console.log('\n== notes');
  for (const note of result.notes) console.log(`- ${note}`);
  if (result.mismatches.length > 0) {
    console.error(`\nRehearsal strayed from the workflows:\n${result.mismatches.map((m) => `- ${m}`).join('\n')}`);
    process.exitCode = 1;
  } else {
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    console.log(
      `\nRehearsal passed: ${result.runner.steps.length} action runs in ${seconds} s; the last cleanup found nothing to delete.`,
    );
  }
} catch (error) {
  console.error(`\nRehearsal failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
