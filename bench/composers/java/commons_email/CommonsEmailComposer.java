// Apache Commons Email 1.5 (Debian's libcommons-email-java, /usr/share/java/commons-email.jar, on javax.mail 1.6
// from libmail-java) composing each case as its user guide shows: SimpleEmail, MultiPartEmail.attach, HtmlEmail
// with embed(); the mail is built with buildMimeMessage() and written with getMimeMessage().writeTo(stream).
// Cases are read with Gson (Debian's libgoogle-gson-java).

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import javax.mail.util.ByteArrayDataSource;
import org.apache.commons.mail.Email;
import org.apache.commons.mail.HtmlEmail;
import org.apache.commons.mail.MultiPartEmail;
import org.apache.commons.mail.SimpleEmail;

public class CommonsEmailComposer {
    static String text(JsonObject o, String key) {
        JsonElement value = o.get(key);
        return value == null || value.isJsonNull() ? "" : value.getAsString();
    }

    static ByteArrayDataSource source(JsonObject item) {
        return new ByteArrayDataSource(Base64.getDecoder().decode(text(item, "content_b64")), text(item, "type"));
    }

    static Email compose(JsonObject c) throws Exception {
        boolean hasFiles = (c.has("attachments") && c.getAsJsonArray("attachments").size() > 0) || c.has("forward");
        Email email;
        if (c.has("html")) {
            HtmlEmail html = new HtmlEmail();
            html.setHtmlMsg(text(c, "html"));
            if (!text(c, "text").isEmpty()) {  // an HTML-only mail: setTextMsg refuses an empty text
                html.setTextMsg(text(c, "text"));
            }
            if (c.has("inline")) {
                for (JsonElement e : c.getAsJsonArray("inline")) {
                    JsonObject item = e.getAsJsonObject();
                    html.embed(source(item), text(item, "name"), text(item, "cid"));
                }
            }
            email = html;
        } else if (hasFiles) {
            email = new MultiPartEmail();
            if (!text(c, "text").isEmpty()) {  // setMsg refuses an empty text
                email.setMsg(text(c, "text"));
            }
        } else {
            email = new SimpleEmail();
            email.setMsg(text(c, "text"));
        }
        email.setHostName("localhost");  // buildMimeMessage needs it; nothing is sent
        email.setCharset(c.has("charset") ? text(c, "charset") : "utf-8");
        JsonObject from = c.getAsJsonObject("from");
        email.setFrom(text(from, "addr"), text(from, "name"));
        email.addTo("support@example.com");
        email.setSubject(text(c, "subject"));
        if (c.has("attachments")) {
            for (JsonElement e : c.getAsJsonArray("attachments")) {
                JsonObject item = e.getAsJsonObject();
                ((MultiPartEmail) email).attach(source(item), text(item, "name"), null);
            }
        }
        if (c.has("forward")) {
            JsonObject fwd = c.getAsJsonObject("forward");
            Email inner = new SimpleEmail();
            inner.setHostName("localhost");
            inner.setCharset("utf-8");
            inner.setFrom(text(fwd, "from"));
            inner.addTo("support@example.com");
            inner.setSubject(text(fwd, "subject"));
            inner.setMsg(text(fwd, "text"));
            inner.buildMimeMessage();
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            inner.getMimeMessage().writeTo(raw);
            ((MultiPartEmail) email).attach(new ByteArrayDataSource(raw.toByteArray(), "message/rfc822"),
                    text(fwd, "name"), null);
        }
        return email;
    }

    public static void main(String[] args) throws Exception {
        JsonObject doc = JsonParser.parseString(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8)).getAsJsonObject();
        for (JsonElement e : doc.getAsJsonArray("cases")) {
            JsonObject c = e.getAsJsonObject();
            Email email = compose(c);
            email.buildMimeMessage();
            try (OutputStream out = Files.newOutputStream(Path.of(args[1], text(c, "id") + ".eml"))) {
                email.getMimeMessage().writeTo(out);
            }
        }
    }
}
