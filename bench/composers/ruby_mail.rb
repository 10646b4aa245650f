# The 'mail' gem (Debian ruby-mail, version from Mail::VERSION::STRING), used as its README shows:
# Mail.new, Mail::Address for the display name, charset, text_part/html_part, add_file and
# attachments.inline (with a Content-ID), and a message/rfc822 attachment built with the gem too.
# The bytes are Message#to_s (what its SMTP delivery method sends).

require 'base64'
require 'json'
begin
  require 'mail'
rescue LoadError
  warn "the mail gem is not installed (apt-get install ruby-mail)"
  exit 3
end

# The gem takes a body in the charset it is told: the caller converts from UTF-8 first.
def in_charset(text, charset)
  charset.casecmp?('utf-8') ? text : text.encode(charset)
end

def address(name, addr)
  a = Mail::Address.new(addr)
  a.display_name = name
  a.format
end

def forwarded(forward, to)
  inner = Mail.new
  inner.from = forward['from']
  inner.to = to
  inner.subject = forward['subject']
  inner.charset = 'UTF-8'
  inner.body = forward['text']
  inner.to_s
end

def compose(c)
  cs = c['charset'] || 'utf-8'
  mail = Mail.new
  mail.charset = cs
  mail.from = address(c['from']['name'], c['from']['addr'])
  mail.to = 'support@example.com'
  mail.subject = c['subject']
  text = in_charset(c['text'] || '', cs)
  if c['html']
    html = in_charset(c['html'], cs)
    mail.text_part = Mail::Part.new { content_type "text/plain; charset=#{cs}"; body text }
    mail.html_part = Mail::Part.new { content_type "text/html; charset=#{cs}"; body html }
    (c['inline'] || []).each do |img|
      mail.attachments.inline[img['name']] = { content: Base64.decode64(img['content_b64']),
                                               mime_type: img['type'], content_id: "<#{img['cid']}>" }
    end
  else
    mail.body = text
  end
  (c['attachments'] || []).each do |att|
    mail.add_file(filename: att['name'], content: Base64.decode64(att['content_b64']), mime_type: att['type'])
  end
  if (fw = c['forward'])
    mail.add_file(filename: fw['name'], content: forwarded(fw, c['from']['addr']), mime_type: 'message/rfc822')
  end
  mail.to_s
end

cases = JSON.parse(File.read(ARGV[0]))['cases']
cases.each do |c|
  File.binwrite(File.join(ARGV[1], "#{c['id']}.eml"), compose(c))
end
