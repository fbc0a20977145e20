const { input, setOutput, standIn } = await import(`${process.env.ACT_STAND_INS}/lib/action.mjs`);
await standIn('docker/setup-buildx-action', () => {
  console.log('No builder in the act run: build-push-action records images in moto without building.');
  setOutput('name', 'act-stand-in');
  setOutput('platforms', input('platforms') || 'linux/amd64');
});
