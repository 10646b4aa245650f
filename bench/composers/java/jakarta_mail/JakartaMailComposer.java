// Jakarta Mail 2.0 (Debian's libjakarta-mail-java, /usr/share/java/jakarta-mail.jar) composing each case as its
// API documentation shows: MimeMessage, MimeMultipart, MimeBodyPart.setText(text, charset) / setFileName,
// message.writeTo(stream). Cases are read with Gson (Debian's libgoogle-gson-java).

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Date;
import java.util.Properties;

public class JakartaMailComposer {
    private static final Session SESSION = Session.getInstance(new Properties());

    static String text(JsonObject o, String key) {
        JsonElement value = o.get(key);
        return value == null || value.isJsonNull() ? "" : value.getAsString();
    }

    static MimeBodyPart file(JsonObject item) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        byte[] data = Base64.getDecoder().decode(text(item, "content_b64"));
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(data, text(item, "type"))));
        part.setFileName(text(item, "name"));
        return part;
    }

    static MimeMessage compose(JsonObject c) throws Exception {
        String charset = c.has("charset") ? text(c, "charset") : "utf-8";
        JsonObject from = c.getAsJsonObject("from");
        MimeMessage msg = new MimeMessage(SESSION);
        msg.setFrom(new InternetAddress(text(from, "addr"), text(from, "name"), charset));
        msg.setRecipient(Message.RecipientType.TO, new InternetAddress("support@example.com"));
        msg.setSubject(text(c, "subject"), charset);
        msg.setSentDate(new Date());

        boolean hasFiles = (c.has("attachments") && c.getAsJsonArray("attachments").size() > 0) || c.has("forward");
        if (!c.has("html") && !hasFiles) {
            msg.setText(text(c, "text"), charset);
            return msg;
        }
        MimeMultipart alternative = null;
        if (c.has("html")) {
            MimeBodyPart plain = new MimeBodyPart();
            plain.setText(text(c, "text"), charset);
            MimeBodyPart html = new MimeBodyPart();
            html.setText(text(c, "html"), charset, "html");
            if (c.has("inline") && c.getAsJsonArray("inline").size() > 0) {
                MimeMultipart related = new MimeMultipart("related");
                related.addBodyPart(html);
                for (JsonElement e : c.getAsJsonArray("inline")) {
                    MimeBodyPart image = file(e.getAsJsonObject());
                    image.setContentID("<" + text(e.getAsJsonObject(), "cid") + ">");
                    image.setDisposition(Part.INLINE);
                    related.addBodyPart(image);
                }
                html = new MimeBodyPart();
                html.setContent(related);
            }
            alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(plain);
            alternative.addBodyPart(html);
            if (!hasFiles) {
                msg.setContent(alternative);
                return msg;
            }
        }
        MimeBodyPart body = new MimeBodyPart();
        if (alternative != null) {
            body.setContent(alternative);
        } else {
            body.setText(text(c, "text"), charset);
        }
        MimeMultipart mixed = new MimeMultipart();
        mixed.addBodyPart(body);
        if (c.has("attachments")) {
            for (JsonElement e : c.getAsJsonArray("attachments")) {
                mixed.addBodyPart(file(e.getAsJsonObject()));
            }
        }
        if (c.has("forward")) {
            JsonObject fwd = c.getAsJsonObject("forward");
            MimeMessage inner = new MimeMessage(SESSION);
            inner.setFrom(new InternetAddress(text(fwd, "from")));
            inner.setSubject(text(fwd, "subject"), "utf-8");
            inner.setText(text(fwd, "text"), "utf-8");
            inner.saveChanges();
            MimeBodyPart attached = new MimeBodyPart();
            attached.setContent(inner, "message/rfc822");
            attached.setFileName(text(fwd, "name"));
            mixed.addBodyPart(attached);
        }
        msg.setContent(mixed);
        return msg;
    }

    public static void main(String[] args) throws Exception {
        JsonObject doc = JsonParser.parseString(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8)).getAsJsonObject();
        for (JsonElement e : doc.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            MimeMessage msg = compose(c);
            msg.saveChanges();
            try (OutputStream out = Files.newOutputStream(Path.of(args[1], text(c, "id") + ".eml"))) {
                msg.writeTo(out);
            }
        }
    }
}
