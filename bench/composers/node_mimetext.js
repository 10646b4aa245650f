// mimetext (npm package "mimetext", installed by install_node.sh into /tmp/sd_composers/node), used as its README
// shows: createMimeMessage(), setSender/setRecipient/setSubject, addMessage, addAttachment, asRaw().
// Attachment data is given base64-encoded, as the README asks. mimetext writes every text as UTF-8 (its "charset"
// option only changes the label), so the case's charset is not passed on.
'use strict';

const fs = require('fs');
const path = require('path');

const { pathToFileURL } = require('url');

// mimetext's CommonJS build cannot be require()d (it is a .js file inside a "type": "module" package), so its
// ES module entry is imported from the package directory on NODE_PATH.
async function loadMimetext() {
  const dir = path.join(process.env.NODE_PATH || path.join(process.env.SD_COMPOSERS || '/tmp/sd_composers', 'node', 'node_modules'), 'mimetext');
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    return await import(pathToFileURL(path.join(dir, pkg.exports['.'].import.default)).href);
  } catch (err) {
    process.stderr.write(`mimetext is not installed: ${err.message.split('\n')[0]}\n`);
    process.exit(3);
  }
}

function compose(createMimeMessage, c) {
  const msg = createMimeMessage();
  msg.setSender({ name: c.from.name, addr: c.from.addr });
  msg.setRecipient('support@example.com');
  msg.setSubject(c.subject);
  msg.addMessage({ contentType: 'text/plain', data: c.text || '' });
  if (c.html) {
    msg.addMessage({ contentType: 'text/html', data: c.html });
    for (const item of c.inline || []) {
      msg.addAttachment({
        inline: true, filename: item.name, contentType: item.type, data: item.content_b64, headers: { 'Content-ID': item.cid },
      });
    }
  }
  for (const item of c.attachments || []) {
    msg.addAttachment({ filename: item.name, contentType: item.type, data: item.content_b64 });
  }
  if (c.forward) {
    const inner = createMimeMessage();
    inner.setSender(c.forward.from);
    inner.setRecipient('support@example.com');
    inner.setSubject(c.forward.subject);
    inner.addMessage({ contentType: 'text/plain', data: c.forward.text });
    msg.addAttachment({
      filename: c.forward.name, contentType: 'message/rfc822', data: Buffer.from(inner.asRaw()).toString('base64'),
    });
  }
  return msg.asRaw();
}

async function main() {
  const { createMimeMessage } = await loadMimetext();
  const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')).cases;
  const out = process.argv[3];
  for (const c of cases) {
    fs.writeFileSync(path.join(out, `${c.id}.eml`), compose(createMimeMessage, c));
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
