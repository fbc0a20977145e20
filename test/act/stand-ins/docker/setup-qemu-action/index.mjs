const { input, setOutput, standIn } = await import(`${process.env.ACT_STAND_INS}/lib/action.mjs`);
await standIn('docker/setup-qemu-action', () => {
  console.log('No emulation in the act run.');
  setOutput('platforms', input('platforms') || 'all');
});
