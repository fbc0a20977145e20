import type { Mysfit } from '../mysfit.js';

type SeedMysfit = Omit<Mysfit, 'likes' | 'adopted' | 'thumbImageUri' | 'profileImageUri'> & { slug: string };

/** The agency's twelve residents. Ids are fixed so seeding is idempotent across environments. */
const residents: SeedMysfit[] = [
  {
    mysfitId: '4e53920c-505a-4a90-a694-b9300791f0ae',
    slug: 'evangeline',
    name: 'Evangeline',
    species: 'Chimera',
    age: 43,
    goodevil: 'Evil',
    lawchaos: 'Lawful',
    description:
      'Three heads, one opinion: hers. Evangeline keeps a spreadsheet of every slight since 1983 and expects her new family to sign it.',
  },
  {
    mysfitId: '2b473002-36f8-4b87-954e-9a377e0ccbec',
    slug: 'pauly',
    name: 'Pauly',
    species: 'Cyclops',
    age: 2,
    goodevil: 'Neutral',
    lawchaos: 'Lawful',
    description:
      'A toddler with one enormous eye and a gift for spotting the last biscuit. Sleeps through thunder, wakes for crinkling wrappers.',
  },
  {
    mysfitId: '0e37d916-f960-4772-a25a-01b762b5c1bd',
    slug: 'coco',
    name: 'CoCo',
    species: 'Troll',
    age: 8,
    goodevil: 'Good',
    lawchaos: 'Neutral',
    description:
      'Guards bridges out of habit, waves everybody across anyway. Will rearrange your garden stones into something oddly soothing.',
  },
  {
    mysfitId: 'da5303ae-5aba-495c-b5d6-eb5c4a66b941',
    slug: 'gretta',
    name: 'Gretta',
    species: 'Yeti',
    age: 12,
    goodevil: 'Neutral',
    lawchaos: 'Chaotic',
    description:
      'Prefers her rooms at minus four degrees and her music loud. Has never met a snowbank she did not launch herself into.',
  },
  {
    mysfitId: 'b41ff031-141e-4a8d-bb56-158a22bea0b3',
    slug: 'hasselhoff',
    name: 'Hasselhoff',
    species: 'Gorgon',
    age: 7,
    goodevil: 'Good',
    lawchaos: 'Chaotic',
    description:
      'Wears mirrored sunglasses at all times, for everyone’s safety. The snakes on his head each have a favourite song.',
  },
  {
    mysfitId: '3f0f196c-4a7b-43af-9e29-6522a715342d',
    slug: 'jake',
    name: 'Jake',
    species: 'Griffin',
    age: 6,
    goodevil: 'Good',
    lawchaos: 'Lawful',
    description:
      'Half eagle, half lion, wholly devoted to the rules of fetch. Returns every thrown object, including ones you meant to keep.',
  },
  {
    mysfitId: 'a901bb08-1985-42f5-bb77-27439ac14300',
    slug: 'blue',
    name: 'Blue',
    species: 'Kraken',
    age: 395,
    goodevil: 'Evil',
    lawchaos: 'Chaotic',
    description:
      'An elder of the deep who has agreed, for now, to live in a bathtub. Tentacles everywhere; please lock the biscuit tin.',
  },
  {
    mysfitId: '33e1fbd4-2fd8-45fb-a42f-f92551694506',
    slug: 'cyril',
    name: 'Cyril',
    species: 'Goblin',
    age: 61,
    goodevil: 'Evil',
    lawchaos: 'Neutral',
    description:
      'Collects buttons, keys and small appliances. Insists each one was a gift. Excellent at puzzles, poor at returning things.',
  },
  {
    mysfitId: 'b6d16e02-6aeb-413c-b457-321151bb403d',
    slug: 'rujin',
    name: 'Rujin',
    species: 'Dragon',
    age: 1250,
    goodevil: 'Neutral',
    lawchaos: 'Neutral',
    description:
      'A very old, very tidy dragon who hoards library books instead of gold and keeps each one precisely on time.',
  },
  {
    mysfitId: 'ac3e95f3-eb40-4e4e-a605-9fdd75aca9a7',
    slug: 'twilight-glitter',
    name: 'Twilight Glitter',
    species: 'Pegasus',
    age: 5,
    goodevil: 'Good',
    lawchaos: 'Neutral',
    description:
      'Leaves a faint trail of sparkles wherever she lands. Loves thunderstorms, clean hay and being told she is brave.',
  },
  {
    mysfitId: '7d1a6ae2-4a4c-4b5c-9e49-7ef8d0a5a7a1',
    slug: 'snowflake',
    name: 'Snowflake',
    species: 'Sasquatch',
    age: 13,
    goodevil: 'Evil',
    lawchaos: 'Lawful',
    description:
      'Shy in public, a meticulous planner in private. Has mapped every hiding spot in three counties and will share none of them.',
  },
  {
    mysfitId: 'c1a3b4f6-51a2-4c7e-8d59-0b7e2f3c9d10',
    slug: 'gary',
    name: 'Gary',
    species: 'Minotaur',
    age: 28,
    goodevil: 'Neutral',
    lawchaos: 'Chaotic',
    description:
      'Gets lost in his own hallway but never stops smiling about it. Gentle with china, despite everything you have heard.',
  },
];

/** The seed records, with image paths served by the monolith itself. */
export const seedMysfits: Mysfit[] = residents.map(({ slug, ...resident }) => ({
  ...resident,
  thumbImageUri: `/images/${slug}-thumb.svg`,
  profileImageUri: `/images/${slug}.svg`,
  likes: 0,
  adopted: false,
}));
