import { createTopics, deleteTopics, describeConfigs, initProducerId } from './admin';
import { Api } from './api';
import { advertised, apiVersions } from './apiVersions';
import { fetch } from './fetch';
import { groupApis } from './groups';
import { listOffsets } from './listOffsets';
import { metadata } from './metadata';
import { produce } from './produce';
import { saslAuthenticate, saslHandshake } from './sasl';

/** Every API this broker speaks, in key order; ApiVersions advertises exactly these. */
export const APIS: Api[] = [
  produce,
  fetch,
  listOffsets,
  metadata,
  ...groupApis,
  saslHandshake,
  apiVersions,
  createTopics,
  deleteTopics,
  initProducerId,
  describeConfigs,
  saslAuthenticate,
].sort((a, b) => a.key - b.key);

advertised.push(...APIS);

export const API_BY_KEY = new Map(APIS.map((api) => [api.key, api]));
