const { standIn } = await import(`${process.env.ACT_STAND_INS}/lib/action.mjs`);
await standIn('actions/checkout', () => {
  throw new Error(
    'act runs actions/checkout only for another repository or ref; the act run has no network to fetch one. Check out the same repository, or extend the stand-in.',
  );
});
