import * as vscode from 'vscode';

/** The scheme of the read-only documents the extension writes, such as a reset's dry run. */
export const DOCUMENT_SCHEME = 'ckafka';

/**
 * Read-only documents the extension shows (a reset's dry run and its result, a found record as JSON). They are never
 * dirty, so closing one asks nothing; showing a document under the same name again replaces its text.
 */
export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration: vscode.Disposable;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(DOCUMENT_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** The URI of a document named `name` (shown as its tab title, with `.md`, or `extension`, added). */
  uri(name: string, extension = 'md'): vscode.Uri {
    return vscode.Uri.from({ scheme: DOCUMENT_SCHEME, path: `/${name.replace(/[^\p{L}\p{N}._ ·-]+/gu, '_')}.${extension}` });
  }

  /** Sets the document's text and shows it in the active editor group. */
  async show(uri: vscode.Uri, text: string): Promise<vscode.TextEditor> {
    this.set(uri, text);
    const document = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(document, { preview: true });
  }

  /** Replaces the document's text; an open editor shows the new text. */
  set(uri: vscode.Uri, text: string): void {
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
    this.texts.clear();
  }
}
