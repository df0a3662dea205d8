// The gateway's contract, as its HTTP routes and the `/hubs/agents` hub send it (camelCase JSON): every type here is
// generated from the gateway's OpenAPI document (docs/openapi/v1.json, kept equal to /openapi/v1.json by the gateway's
// tests) into openapi.gen.ts by `npm run api-types`, which the build runs first, so the build fails when the document
// and the dashboard disagree. Only names are given here.
import type { components } from './openapi.gen';

type Schemas = components['schemas'];

/** Any JSON value: what traits and event properties hold (the document says only "any value"). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export type ProfileView = Schemas['ProfileView'];
export type TraitGroups = Schemas['TraitGroups'];
export type CounterWindows = Schemas['CounterWindows'];
export type WindowTotal = Schemas['WindowTotal'];
export type ActivityEvent = Schemas['ActivityView'];
export type MergeRecord = Schemas['MergeRecord'];
export type ConsentDetail = Schemas['ConsentView'];
export type SegmentMembership = Schemas['SegmentMembership'];
export type ValueScores = Schemas['ValueView'];

export type ActivityMessage = Schemas['ActivityMessage'];
export type ViewersMessage = Schemas['ViewersMessage'];
export type ErasedMessage = Schemas['ErasedMessage'];
export type SegmentChangedMessage = Schemas['SegmentChangedMessage'];
export type AgentIdentity = Schemas['AgentIdentity'];

export type SegmentDefinition = Schemas['SegmentDefinitionView'];
export type SegmentBackfill = Schemas['BackfillView'];
export type SegmentInfo = Schemas['SegmentView'];
export type MembersPage = Schemas['MembersPageView'];

export type DestinationInfo = Schemas['DestinationView'];
export type DestinationStatus = Schemas['DestinationStatusView'];
export type CustomerDelivery = Schemas['CustomerDeliveryView'];

/** The counter windows in the order the dashboard shows them; each is a property of {@link CounterWindows}. */
export const WINDOWS = ['1h', '24h', '7d', '30d', 'total'] as const satisfies readonly (keyof CounterWindows)[];
export type CounterWindow = (typeof WINDOWS)[number];
