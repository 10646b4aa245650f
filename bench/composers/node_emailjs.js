// emailjs's Message (npm package "emailjs", installed by install_node.sh into /tmp/sd_composers/node), built as its
// README shows and serialised without a server by message.readAsync(). emailjs writes every text as UTF-8
// (its "charset" option only changes the label), so the case's charset is not passed on.
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');
const { pathToFileURL } = require('url');

async function loadEmailjs() {
  const where = path.join(process.env.NODE_PATH || path.join(process.env.SD_COMPOSERS || '/tmp/sd_composers', 'node', 'node_modules'), 'x');
  try {
    return await import(pathToFileURL(createRequire(where).resolve('emailjs')).href);
  } catch (err) {
    process.stderr.write(`emailjs is not installed: ${err.message.split('\n')[0]}\n`);
    process.exit(3);
  }
}

// Binary content goes in already base64-encoded, as the attachment option "encoded" allows.
function file(item) {
  return { name: item.name, type: item.type, data: item.content_b64, encoded: true };
}

async function compose(Message, c) {
  const attachment = [];
  if (c.html) {
    const related = (c.inline || []).map((item) => ({ ...file(item), headers: { 'Content-ID': `<${item.cid}>` } }));
    attachment.push({ data: c.html, alternative: true, related });
  }
  for (const item of c.attachments || []) {
    attachment.push(file(item));
  }
  if (c.forward) {
    const inner = new Message({ from: c.forward.from, to: 'support@example.com', subject: c.forward.subject, text: c.forward.text });
    attachment.push({ name: c.forward.name, type: 'message/rfc822', data: await inner.readAsync() });
  }
  const message = new Message({
    from: `"${c.from.name}" <${c.from.addr}>`,
    to: 'support@example.com',
    subject: c.subject,
    text: c.text || '',
    attachment,
  });
  return message.readAsync();
}

async function main() {
  const { Message } = await loadEmailjs();
  const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')).cases;
  const out = process.argv[3];
  for (const c of cases) {
    fs.writeFileSync(path.join(out, `${c.id}.eml`), await compose(Message, c));
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
