import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import { pageStrings } from './text';

/**
 * The Message Query page: plain HTML, CSS and script from media/query/ (no component library: the page is
 * about 32 KB unminified, where @vscode-elements/elements 2.5.1 ships a 233 KB minified bundle with lit,
 * and its table does not virtualise). The Content Security Policy lets in nothing but the page's own files and one nonce'd script:
 * no remote content, no inline code, no eval.
 */
export function pageHtml(webview: vscode.Webview, media: vscode.Uri, panelId: string): string {
  const nonce = randomBytes(18).toString('base64');
  const css = webview.asWebviewUri(vscode.Uri.joinPath(media, 'query.css'));
  const js = webview.asWebviewUri(vscode.Uri.joinPath(media, 'query.js'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `img-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  // The strings travel as JSON in a non-executed script element; `<` is escaped so no text can end it.
  const strings = JSON.stringify(pageStrings()).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="${escapeAttr(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css.toString()}">
<script id="l10n" type="application/json" nonce="${nonce}">${strings}</script>
</head>
<body data-panel="${escapeAttr(panelId)}">
<script nonce="${nonce}" src="${js.toString()}"></script>
</body>
</html>`;
}

function escapeAttr(text: string): string {
  return text.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}
