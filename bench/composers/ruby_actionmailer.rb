# Rails ActionMailer (Debian ruby-actionmailer, version from ActionMailer::VERSION::STRING), used
# as the Rails guide shows: a mailer class calling mail(from:, to:, subject:, charset:) with
# format.text/format.html, attachments[...] and attachments.inline[...]; delivery_method :test,
# and the bytes are the delivered Mail::Message#to_s (what the SMTP delivery method sends).

require 'base64'
require 'json'
begin
  require 'action_mailer'
rescue LoadError
  warn "ActionMailer is not installed (apt-get install ruby-actionmailer)"
  exit 3
end

ActionMailer::Base.delivery_method = :test

# ActionMailer labels the body with the charset it is given: the caller converts from UTF-8 first.
def in_charset(text, charset)
  charset.casecmp?('utf-8') ? text : text.encode(charset)
end

class SupportMailer < ActionMailer::Base
  def forwarded(fw)
    mail(from: fw['from'], to: 'support@example.com', subject: fw['subject']) do |format|
      format.text { render plain: fw['text'] }
    end
  end

  def ticket(c)
    cs = c['charset'] || 'utf-8'
    (c['inline'] || []).each do |img|
      attachments.inline[img['name']] = { content: Base64.decode64(img['content_b64']), mime_type: img['type'],
                                          content_id: "<#{img['cid']}>" }
    end
    (c['attachments'] || []).each do |att|
      attachments[att['name']] = { content: Base64.decode64(att['content_b64']), mime_type: att['type'] }
    end
    if (fw = c['forward'])
      attachments[fw['name']] = { content: SupportMailer.forwarded(fw).message.to_s, mime_type: 'message/rfc822' }
    end
    from = email_address_with_name(c['from']['addr'], c['from']['name'])
    text = in_charset(c['text'] || '', cs)
    mail(from: from, to: 'support@example.com', subject: c['subject'], charset: cs) do |format|
      format.text { render plain: text } unless text.empty? && c['html']
      format.html { render html: in_charset(c['html'], cs).html_safe } if c['html']
    end
  end
end

cases = JSON.parse(File.read(ARGV[0]))['cases']
cases.each do |c|
  SupportMailer.ticket(c).deliver_now
  File.binwrite(File.join(ARGV[1], "#{c['id']}.eml"), ActionMailer::Base.deliveries.last.to_s)
end
