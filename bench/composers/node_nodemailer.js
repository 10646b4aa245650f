// nodemailer's MailComposer (npm package "nodemailer", installed by install_node.sh into /tmp/sd_composers/node),
// used as its documentation shows: new MailComposer(mail).compile().build(); textEncoding left at its default.
// nodemailer always writes UTF-8, so the case's charset is not passed on.
'use strict';

const fs = require('fs');
const path = require('path');

let MailComposer;
try {
  MailComposer = require('nodemailer/lib/mail-composer');
} catch (err) {
  process.stderr.write(`nodemailer is not installed: ${err.message.split('\n')[0]}\n`);
  process.exit(3);
}

function build(mail) {
  return new Promise((resolve, reject) => {
    new MailComposer(mail).compile().build((err, message) => (err ? reject(err) : resolve(message)));
  });
}

async function compose(c) {
  const mail = {
    from: { name: c.from.name, address: c.from.addr },
    to: 'support@example.com',
    subject: c.subject,
    text: c.text || '',
    attachments: [],
  };
  if (c.html) {
    mail.html = c.html;
    for (const item of c.inline || []) {
      mail.attachments.push({
        filename: item.name, content: Buffer.from(item.content_b64, 'base64'), contentType: item.type, cid: item.cid,
      });
    }
  }
  for (const item of c.attachments || []) {
    mail.attachments.push({ filename: item.name, content: Buffer.from(item.content_b64, 'base64'), contentType: item.type });
  }
  if (c.forward) {
    const inner = await build({ from: c.forward.from, subject: c.forward.subject, text: c.forward.text });
    mail.attachments.push({ filename: c.forward.name, content: inner, contentType: 'message/rfc822' });
  }
  return build(mail);
}

async function main() {
  const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')).cases;
  const out = process.argv[3];
  for (const c of cases) {
    fs.writeFileSync(path.join(out, `${c.id}.eml`), await compose(c));
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
