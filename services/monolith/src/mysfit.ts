export const goodEvilValues = ['Good', 'Neutral', 'Evil'] as const;
export const lawChaosValues = ['Lawful', 'Neutral', 'Chaotic'] as const;

export type GoodEvil = (typeof goodEvilValues)[number];
export type LawChaos = (typeof lawChaosValues)[number];

/** A mysfit as the API returns it (the workshop's field names). */
export interface Mysfit {
  mysfitId: string;
  name: string;
  species: string;
  age: number;
  goodevil: GoodEvil;
  lawchaos: LawChaos;
  description: string;
  thumbImageUri: string;
  profileImageUri: string;
  likes: number;
  adopted: boolean;
}

/** The fields the list endpoint returns. */
export const listFields = [
  'mysfitId',
  'name',
  'species',
  'goodevil',
  'lawchaos',
  'thumbImageUri',
  'likes',
  'adopted',
] as const;
export type MysfitSummary = Pick<Mysfit, (typeof listFields)[number]>;
