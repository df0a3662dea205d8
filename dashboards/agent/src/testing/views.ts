import type { ActivityEvent, DestinationStatus, ProfileView, SegmentBackfill, SegmentInfo } from '../api/types';

// Whole views as the gateway sends them, for tests: each names only what it is about.

export const profileView = (view: Pick<ProfileView, 'customerId' | 'seq' | 'asOf'> & Partial<ProfileView>): ProfileView => ({
  traits: { identity: {}, descriptive: {}, qualitative: {} }, consent: {}, firstSeen: null, lastSeen: null, channels: [], counters: {},
  recentActivity: [], value: null, segments: [], consentDetails: {}, ...view,
});

export const activityEvent = (event: Pick<ActivityEvent, 'id' | 'type' | 'timestamp'> & Partial<ActivityEvent>): ActivityEvent => ({
  value: null, channel: null, properties: null, ...event,
});

export const backfill = (state: SegmentBackfill['state'], visited: number): SegmentBackfill =>
  ({ state, visited, startedAt: null, finishedAt: null, error: null });

export const notReconciled: SegmentInfo['reconcile'] =
  { state: 'none', visited: 0, membersChecked: 0, membersRemoved: 0, startedAt: null, finishedAt: null, error: null };

export const destinationStatus = (destination: string, status: Partial<DestinationStatus> = {}): DestinationStatus => ({
  destination, depth: 0, delivered: 0, failedAttempts: 0, retrying: 0, deadLettered: 0, lastError: null,
  latency: { count: 0, p50Ms: null, p95Ms: null, p99Ms: null, slowestMs: null },
  queues: [{ partition: 0, depth: 0, since: '2026-12-07T09:00:00Z' }, { partition: 1, depth: 0, since: '2026-12-07T09:30:00Z' }], ...status,
});
