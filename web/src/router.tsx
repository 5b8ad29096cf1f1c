import {
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
} from '@tanstack/react-router';
import {
  INCIDENT_STATUSES,
  ITEM_KINDS,
  ITEM_SORTS,
  type IncidentStatus,
  type ItemKind,
  type ItemSort,
} from './api.ts';
import { Layout, NotFound } from './components/Layout.tsx';
import { AcceptInvitationPage, SetupPage } from './pages/AccountForm.tsx';
import { AdminInvitePage } from './pages/AdminInvite.tsx';
import { ItemsPage } from './pages/Items.tsx';
import { LoginPage } from './pages/Login.tsx';
import { VERIFICATION_STATUSES, type VerificationStatus } from './verification-api.ts';
import { ALLEGATION_STATUSES, type AllegationStatus } from './allegations-api.ts';
import { accountabilitySearch, responsesSearch, sourcesSearch } from './responses-api.ts';
import {
  REDACTION_STATUSES,
  RELEASE_STATUSES,
  type RedactionStatus,
  type ReleaseStatus,
} from './releases-api.ts';

/** The items list's filters, all kept in the address so a search can be shared and reloaded. */
export interface ItemsSearch {
  kind?: ItemKind | undefined;
  problems?: boolean | undefined;
  /** Text in a path, a segment note or the media metadata. */
  q?: string | undefined;
  folder?: string | undefined;
  /** Calendar days (YYYY-MM-DD) in the reader's time zone. */
  recordedFrom?: string | undefined;
  recordedTo?: string | undefined;
  minSeconds?: number | undefined;
  maxSeconds?: number | undefined;
  linked?: boolean | undefined;
  sort?: ItemSort | undefined;
  /** An acquisition's id. */
  acquisition?: string | undefined;
  /** The camera overlay names this device (or a prefix). */
  device?: string | undefined;
  faces?: boolean | undefined;
  copies?: boolean | undefined;
  /** Copies and cuts of one recording (an item's `cluster`). */
  cluster?: string | undefined;
  verification?: VerificationStatus | undefined;
}

export interface ItemSearch {
  /** Seconds on the item's timeline to open the player at. */
  t?: number | undefined;
}

export interface AllegationsSearch {
  status?: AllegationStatus | undefined;
}

export interface IncidentsSearch {
  status?: IncidentStatus | undefined;
  verification?: VerificationStatus | undefined;
}

/** The timeline's range: months (YYYY-MM), both ends included. */
export interface TimelineSearch {
  from?: string | undefined;
  to?: string | undefined;
}

const text = (v: unknown, max: number): string | undefined =>
  typeof v === 'string' && v.trim() !== '' && v.length <= max ? v : undefined;
const flag = (v: unknown): boolean | undefined =>
  v === true || v === 'true' ? true : v === false || v === 'false' ? false : undefined;
const seconds = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n >= 0 && n <= 1e7 ? n : undefined;
};
const month = (v: unknown): string | undefined =>
  typeof v === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(v) ? v : undefined;
const uuid = (v: unknown): string | undefined =>
  typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)
    ? v
    : undefined;
const verificationStatus = (v: unknown): VerificationStatus | undefined =>
  (VERIFICATION_STATUSES as readonly unknown[]).includes(v) ? (v as VerificationStatus) : undefined;
const day = (v: unknown): string | undefined =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined;

/** The redactions list's filter: `rendered` is the review queue. */
export interface RedactionsSearch {
  status?: RedactionStatus | undefined;
}

export interface ReleasesSearch {
  status?: ReleaseStatus | undefined;
}

export interface LoginSearch {
  next?: string | undefined;
  created?: boolean | undefined;
}

const rootRoute = createRootRoute({ component: Layout, notFoundComponent: NotFound });

const indexRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/',
  beforeLoad: () => {
    // Throwing a redirect is how the router is told to go elsewhere.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    throw redirect({ to: '/items', search: {} });
  },
});

const setupRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/setup',
  component: SetupPage,
});

const inviteRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/invite',
  component: AcceptInvitationPage,
});

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: (search: Record<string, unknown>): LoginSearch => ({
    next: typeof search['next'] === 'string' ? search['next'] : undefined,
    created: search['created'] === true || search['created'] === 'true' ? true : undefined,
  }),
  component: LoginPage,
});

const itemsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/items',
  validateSearch: (search: Record<string, unknown>): ItemsSearch => ({
    kind: (ITEM_KINDS as readonly unknown[]).includes(search['kind'])
      ? (search['kind'] as ItemKind)
      : undefined,
    problems: search['problems'] === true || search['problems'] === 'true' ? true : undefined,
    q: text(search['q'], 200),
    folder: text(search['folder'], 1000),
    recordedFrom: day(search['recordedFrom']),
    recordedTo: day(search['recordedTo']),
    minSeconds: seconds(search['minSeconds']),
    maxSeconds: seconds(search['maxSeconds']),
    linked: flag(search['linked']),
    acquisition: uuid(search['acquisition']),
    device: text(search['device'], 100),
    faces: flag(search['faces']),
    copies: flag(search['copies']),
    cluster: uuid(search['cluster']),
    verification: verificationStatus(search['verification']),
    sort:
      (ITEM_SORTS as readonly unknown[]).includes(search['sort']) && search['sort'] !== 'hash'
        ? (search['sort'] as ItemSort)
        : undefined,
  }),
  component: ItemsPage,
});

// The pages past the list are loaded when first opened: the first page loads less script.
export const itemRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/items/$id',
  validateSearch: (search: Record<string, unknown>): ItemSearch => ({
    t: seconds(search['t']),
  }),
  component: lazyRouteComponent(() => import('./pages/Item.tsx'), 'ItemPage'),
});

const incidentsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/incidents',
  validateSearch: (search: Record<string, unknown>): IncidentsSearch => ({
    status: (INCIDENT_STATUSES as readonly unknown[]).includes(search['status'])
      ? (search['status'] as IncidentStatus)
      : undefined,
    verification: verificationStatus(search['verification']),
  }),
  component: lazyRouteComponent(() => import('./pages/Incidents.tsx'), 'IncidentsPage'),
});

const timelineRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/incidents/timeline',
  validateSearch: (search: Record<string, unknown>): TimelineSearch => ({
    from: month(search['from']),
    to: month(search['to']),
  }),
  component: lazyRouteComponent(() => import('./pages/Timeline.tsx'), 'TimelinePage'),
});

const facilitiesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/facilities',
  component: lazyRouteComponent(() => import('./pages/Facilities.tsx'), 'FacilitiesPage'),
});

const organisationsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/organisations',
  component: lazyRouteComponent(() => import('./pages/Organisations.tsx'), 'OrganisationsPage'),
});

const actsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/acts',
  component: lazyRouteComponent(() => import('./pages/Acts.tsx'), 'ActsPage'),
});

const allegationsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/allegations',
  validateSearch: (search: Record<string, unknown>): AllegationsSearch => ({
    status: (ALLEGATION_STATUSES as readonly unknown[]).includes(search['status'])
      ? (search['status'] as AllegationStatus)
      : undefined,
  }),
  component: lazyRouteComponent(() => import('./pages/Allegations.tsx'), 'AllegationsPage'),
});

const allegationRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/allegations/$id',
  component: lazyRouteComponent(() => import('./pages/Allegation.tsx'), 'AllegationPage'),
});

// Sources, claims, official responses and the accountability view (docs/responses.md).
const sourcesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sources',
  validateSearch: sourcesSearch,
  component: lazyRouteComponent(() => import('./pages/Sources.tsx'), 'SourcesPage'),
});

const sourceRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/sources/$id',
  component: lazyRouteComponent(() => import('./pages/Source.tsx'), 'SourcePage'),
});

const responsesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/responses',
  validateSearch: responsesSearch,
  component: lazyRouteComponent(() => import('./pages/Responses.tsx'), 'ResponsesPage'),
});

const responseRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/responses/$id',
  component: lazyRouteComponent(() => import('./pages/Response.tsx'), 'ResponsePage'),
});

const accountabilityRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/accountability',
  validateSearch: accountabilitySearch,
  component: lazyRouteComponent(() => import('./pages/Accountability.tsx'), 'AccountabilityPage'),
});

const peopleRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/people',
  component: lazyRouteComponent(() => import('./pages/People.tsx'), 'PeoplePage'),
});

const incidentRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/incidents/$id',
  component: lazyRouteComponent(() => import('./pages/Incident.tsx'), 'IncidentPage'),
});

const jobsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/jobs',
  component: lazyRouteComponent(() => import('./pages/Jobs.tsx'), 'JobsPage'),
});

// Redaction, review and releases (issue #5); what a partner account sees.
const redactionsRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/redactions',
  validateSearch: (search: Record<string, unknown>): RedactionsSearch => ({
    status: (REDACTION_STATUSES as readonly unknown[]).includes(search['status'])
      ? (search['status'] as RedactionStatus)
      : undefined,
  }),
  component: lazyRouteComponent(() => import('./pages/Redactions.tsx'), 'RedactionsPage'),
});

const redactionRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/redactions/$id',
  component: lazyRouteComponent(() => import('./pages/RedactionEditor.tsx'), 'RedactionEditorPage'),
});

const releasesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/releases',
  validateSearch: (search: Record<string, unknown>): ReleasesSearch => ({
    status: (RELEASE_STATUSES as readonly unknown[]).includes(search['status'])
      ? (search['status'] as ReleaseStatus)
      : undefined,
  }),
  component: lazyRouteComponent(() => import('./pages/Releases.tsx'), 'ReleasesPage'),
});

const newReleaseRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/releases/new',
  component: lazyRouteComponent(() => import('./pages/ReleaseForm.tsx'), 'NewReleasePage'),
});

const releaseRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/releases/$id',
  component: lazyRouteComponent(() => import('./pages/Release.tsx'), 'ReleasePage'),
});

const editReleaseRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/releases/$id/edit',
  component: lazyRouteComponent(() => import('./pages/ReleaseForm.tsx'), 'EditReleasePage'),
});

const sharedReleasesRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/shared-with-me',
  component: lazyRouteComponent(() => import('./pages/SharedReleases.tsx'), 'SharedReleasesPage'),
});

const sharedReleaseRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/shared-with-me/$id',
  component: lazyRouteComponent(() => import('./pages/SharedRelease.tsx'), 'SharedReleasePage'),
});

const adminInviteRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/admin/invite',
  component: AdminInvitePage,
});

const routeTree = rootRoute.addChildren([
  indexRoute,
  setupRoute,
  inviteRoute,
  loginRoute,
  itemsRoute,
  itemRoute,
  incidentsRoute,
  timelineRoute,
  incidentRoute,
  facilitiesRoute,
  organisationsRoute,
  actsRoute,
  peopleRoute,
  allegationsRoute,
  allegationRoute,
  sourcesRoute,
  sourceRoute,
  responsesRoute,
  responseRoute,
  accountabilityRoute,
  jobsRoute,
  redactionsRoute,
  redactionRoute,
  releasesRoute,
  newReleaseRoute,
  releaseRoute,
  editReleaseRoute,
  sharedReleasesRoute,
  sharedReleaseRoute,
  adminInviteRoute,
]);

export const router = createRouter({
  routeTree,
  scrollRestoration: true,
  defaultPreload: false,
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
