// The agency's page: a list with filters and a profile with Like and Adopt, all against the JSON API
// (on this origin, or on the one index.html names: see api.js). Routes live in the hash
// (#/mysfits/<id>) so a reload keeps the view.

import { apiClient, newIdempotencyKey, readApiBase } from './api.js';

const listView = document.getElementById('list-view');
const profileView = document.getElementById('profile-view');
const list = document.getElementById('mysfit-list');
const listCount = document.getElementById('list-count');
const filters = document.getElementById('filters');
const goodEvil = document.getElementById('filter-goodevil');
const lawChaos = document.getElementById('filter-lawchaos');
const message = document.getElementById('message');
const likeButton = document.getElementById('like-button');
const adoptButton = document.getElementById('adopt-button');

const profile = {
  image: document.getElementById('profile-image'),
  name: document.getElementById('profile-name'),
  species: document.getElementById('profile-species'),
  badge: document.getElementById('profile-badge'),
  age: document.getElementById('profile-age'),
  alignment: document.getElementById('profile-alignment'),
  likes: document.getElementById('profile-likes'),
  description: document.getElementById('profile-description'),
};

/** The mysfit shown in the profile view, or null. */
let current = null;
/** Increases with every list request so a slow, older answer never overwrites a newer one. */
let listGeneration = 0;

const apiBase = readApiBase(document, location);
const agency = apiClient(apiBase.origin ?? '');
const api = agency.call;
/** A set-up mistake (the meta tag, a Content-Security-Policy): it outranks every other message. */
let setupProblem = apiBase.problem ?? null;
/**
 * The Idempotency-Key of a like whose outcome is unknown (no answer, or a 5xx), per mysfit: the next
 * click sends it again, so a like that did count is not counted twice.
 */
const unsettledLikes = new Map();

function showMessage(text, kind = 'info') {
  message.textContent = setupProblem ?? text;
  message.dataset.kind = setupProblem ? 'error' : kind;
}

function clearMessage() {
  if (setupProblem) return showMessage(setupProblem);
  message.textContent = '';
  delete message.dataset.kind;
}

function showSetupProblem() {
  showMessage(setupProblem);
  listCount.textContent = 'The mysfits could not be loaded.';
  for (const control of filters.elements) control.disabled = true;
}

function likesText(likes) {
  return likes === 1 ? '1 like' : `${likes} likes`;
}

function element(tag, attributes = {}, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function card(mysfit) {
  const item = element('li', { class: 'card', 'data-mysfit-id': mysfit.mysfitId });
  const image = element('img', {
    class: 'card-image',
    src: agency.resolve(mysfit.thumbImageUri),
    alt: `${mysfit.name}, a ${mysfit.species}`,
    width: '160',
    height: '160',
    loading: 'lazy',
  });
  const title = element('h2', { class: 'card-title' });
  title.append(element('a', { href: `#/mysfits/${encodeURIComponent(mysfit.mysfitId)}` }, mysfit.name));
  const meta = element('p', { class: 'card-meta' }, `${mysfit.species} · ${mysfit.goodevil} ${mysfit.lawchaos}`);
  const footer = element('p', { class: 'card-footer' });
  footer.append(element('span', { class: 'likes-count' }, `♥ ${likesText(mysfit.likes)}`));
  if (mysfit.adopted) footer.append(element('span', { class: 'badge' }, 'Adopted'));
  item.append(image, title, meta, footer);
  return item;
}

/** The API filters on one index; a second choice is applied here to the answer. */
async function loadList() {
  const generation = ++listGeneration;
  const chosen = [
    ['GoodEvil', 'goodevil', goodEvil.value],
    ['LawChaos', 'lawchaos', lawChaos.value],
  ].filter(([, , value]) => value !== '');
  const [first, second] = chosen;
  const query = first ? `?filter=${first[0]}&value=${encodeURIComponent(first[2])}` : '';
  list.setAttribute('aria-busy', 'true');
  try {
    const { mysfits } = await api(`/mysfits${query}`);
    if (generation !== listGeneration) return;
    const shown = second ? mysfits.filter((mysfit) => mysfit[second[1]] === second[2]) : mysfits;
    list.replaceChildren(...shown.map(card));
    listCount.textContent =
      shown.length === 0
        ? 'No mysfits match these filters. Try a different combination.'
        : `Showing ${shown.length} ${shown.length === 1 ? 'mysfit' : 'mysfits'}.`;
  } catch (error) {
    if (generation !== listGeneration) return;
    listCount.textContent = 'The mysfits could not be loaded.';
    showMessage(error.message, 'error');
  } finally {
    if (generation === listGeneration) list.removeAttribute('aria-busy');
  }
}

function renderProfile(mysfit) {
  current = mysfit;
  document.title = `${mysfit.name} · Mythical Mysfits`;
  profile.image.src = agency.resolve(mysfit.profileImageUri);
  profile.image.alt = `${mysfit.name}, a ${mysfit.species}`;
  profile.name.textContent = mysfit.name;
  profile.species.textContent = mysfit.species;
  profile.age.textContent = mysfit.age === 1 ? '1 year' : `${mysfit.age} years`;
  profile.alignment.textContent = `${mysfit.goodevil} ${mysfit.lawchaos}`;
  profile.description.textContent = mysfit.description;
  renderLikes(mysfit.likes);
  renderAdopted(mysfit.adopted);
}

function renderLikes(likes) {
  current.likes = likes;
  profile.likes.textContent = String(likes);
  likeButton.setAttribute('aria-label', `Like ${current.name} (${likesText(likes)} so far)`);
}

function renderAdopted(adopted) {
  current.adopted = adopted;
  profile.badge.hidden = !adopted;
  adoptButton.disabled = adopted;
  adoptButton.textContent = adopted ? 'Adopted' : `Adopt ${current.name}`;
}

async function showProfile(id) {
  listView.hidden = true;
  profileView.hidden = false;
  current = null;
  likeButton.disabled = true;
  adoptButton.disabled = true;
  // Nothing of the previously shown mysfit may linger while this one loads (or fails to).
  profile.image.removeAttribute('src');
  profile.image.alt = '';
  profile.badge.hidden = true;
  for (const field of [profile.species, profile.age, profile.alignment, profile.likes, profile.description]) {
    field.textContent = '';
  }
  profile.name.textContent = 'Loading…';
  delete profileView.dataset.state;
  try {
    renderProfile(await api(`/mysfits/${encodeURIComponent(id)}`));
    likeButton.disabled = false;
    profile.name.focus();
  } catch (error) {
    profileView.dataset.state = 'missing';
    profile.name.textContent = error.status === 404 ? 'Mysfit not found' : 'This mysfit could not be loaded';
    showMessage(
      error.status === 404 ? 'That mysfit is not at the agency. Pick one from the list.' : error.message,
      'error',
    );
  }
}

function showList() {
  listView.hidden = false;
  profileView.hidden = true;
  document.title = 'Mythical Mysfits';
  return loadList();
}

function route() {
  if (setupProblem) {
    showSetupProblem();
    return Promise.resolve();
  }
  clearMessage();
  const match = /^#\/mysfits\/([^/]+)$/.exec(location.hash);
  if (match) return showProfile(decodeURIComponent(match[1]));
  return showList();
}

likeButton.addEventListener('click', async () => {
  const mysfit = current;
  if (!mysfit) return;
  likeButton.disabled = true;
  const key = unsettledLikes.get(mysfit.mysfitId) ?? newIdempotencyKey();
  unsettledLikes.set(mysfit.mysfitId, key);
  try {
    const { likes } = await api(`/mysfits/${encodeURIComponent(mysfit.mysfitId)}/like`, {
      method: 'POST',
      headers: { 'Idempotency-Key': key },
    });
    unsettledLikes.delete(mysfit.mysfitId);
    if (current !== mysfit) return;
    renderLikes(likes);
    showMessage(`You liked ${mysfit.name}. ${mysfit.name} now has ${likesText(likes)}.`, 'success');
  } catch (error) {
    if (error.status !== 0 && error.status < 500) unsettledLikes.delete(mysfit.mysfitId);
    showMessage(
      error.status === 503
        ? `Likes are taking a short break. Please try ${mysfit.name} again in a moment.`
        : error.message,
      'error',
    );
  } finally {
    likeButton.disabled = false;
  }
});

adoptButton.addEventListener('click', async () => {
  const mysfit = current;
  if (!mysfit) return;
  adoptButton.disabled = true;
  try {
    await api(`/mysfits/${encodeURIComponent(mysfit.mysfitId)}/adopt`, { method: 'POST' });
    if (current !== mysfit) return;
    renderAdopted(true);
    showMessage(`Congratulations! ${mysfit.name} has been adopted.`, 'success');
  } catch (error) {
    if (error.status === 409) {
      if (current === mysfit) renderAdopted(true);
      showMessage(`${mysfit.name} has already found a home with someone else.`, 'info');
      return;
    }
    adoptButton.disabled = false;
    showMessage(error.message, 'error');
  }
});

goodEvil.addEventListener('change', () => {
  clearMessage();
  void loadList();
});
lawChaos.addEventListener('change', () => {
  clearMessage();
  void loadList();
});
// A reset changes the selects after this event; load once the form holds the reset values.
filters.addEventListener('reset', () => setTimeout(loadList, 0));
filters.addEventListener('submit', (event) => event.preventDefault());

// A host's Content-Security-Policy that leaves out the API's origin blocks every call and image;
// without this the page would only say the agency could not be reached.
document.addEventListener('securitypolicyviolation', (event) => {
  const apiOrigin = apiBase.origin || location.origin;
  const directive = event.effectiveDirective;
  const blocked = URL.canParse(event.blockedURI) ? new URL(event.blockedURI).origin : event.blockedURI;
  if (!['connect-src', 'img-src'].includes(directive) || blocked !== apiOrigin) return;
  setupProblem =
    `This page’s Content-Security-Policy blocks the agency at ${apiOrigin} (${directive}). ` +
    `Add ${apiOrigin} to connect-src and img-src in the policy this page is served with.`;
  showSetupProblem();
});

window.addEventListener('hashchange', () => {
  void route().then(() => {
    if (!listView.hidden) document.getElementById('list-heading').focus();
  });
});
void route();
