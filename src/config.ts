import * as vscode from 'vscode';

/**
 * Every `ckafka.*` setting but `ckafka.clusters` (ClusterStore reads that one, from the User settings
 * only), read here and nowhere else. Each value comes as VS Code gives it, so an unset setting has the
 * default its schema declares in package.json; this file adds no default of its own. Values a user may have
 * hand-edited into something else are passed on as `unknown`-safe primitives, for the caller to check.
 */
function section(name: string) {
  return vscode.workspace.getConfiguration(`ckafka${name === '' ? '' : `.${name}`}`);
}

export const config = {
  /** `ckafka.connectionTimeoutMs`. */
  connectionTimeoutMs: (): unknown => section('').get('connectionTimeoutMs'),

  explorer: () => {
    const s = section('explorer');
    return { topicFilter: String(s.get('topicFilter') ?? ''), showInternalTopics: s.get('showInternalTopics') === true };
  },

  produce: () => {
    const s = section('produce');
    return {
      format: String(s.get('format')),
      keySeparator: String(s.get('keySeparator') ?? ''),
      askForKey: s.get('askForKey') === true,
      compression: String(s.get('compression')),
      idempotent: String(s.get('idempotent')),
    };
  },

  consumer: () => {
    const s = section('consumer');
    return {
      format: String(s.get('format')),
      showHeaders: s.get('showHeaders') === true,
      binaryEncoding: String(s.get('binaryEncoding')),
      maxValueLength: Number(s.get('maxValueLength')),
      maxLines: Number(s.get('maxLines')),
      maxBytes: Number(s.get('maxBytes')),
    };
  },
};
