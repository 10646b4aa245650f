// Composer for github.com/emersion/go-message (Debian's golang-github-emersion-go-message-dev):
// mail.Header for From/To/Subject, message.CreateWriter / Writer.CreatePart for the MIME tree
// (the mail package's own writer cannot nest multipart/related), the library encoding each part
// per its Content-Transfer-Encoding. Its writer accepts only utf-8/us-ascii, so every case is utf-8.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	netmail "net/mail"
	"os"
	"path/filepath"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-message/mail"
)

type file struct {
	Name, Type, Cid string
	Content         string `json:"content_b64"`
}

type mailCase struct {
	ID, Charset, Subject, Text, HTML string
	From                             struct{ Name, Addr string }
	Attachments, Inline              []file
	Forward                          *struct{ Subject, From, Text, Name string }
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func textPart(parent *message.Writer, subtype, charset string, body []byte) {
	var h message.Header
	h.SetContentType("text/"+subtype, map[string]string{"charset": charset})
	h.Set("Content-Transfer-Encoding", "quoted-printable")
	w, err := parent.CreatePart(h)
	must(err)
	_, err = w.Write(body)
	must(err)
	must(w.Close())
}

func filePart(parent *message.Writer, disposition, ctype, name, cid, cte string, body []byte) {
	var h mail.AttachmentHeader
	h.SetContentType(ctype, nil)
	h.SetContentDisposition(disposition, map[string]string{"filename": name})
	if cid != "" {
		h.Set("Content-ID", "<"+cid+">")
	}
	if cte != "" {
		h.Set("Content-Transfer-Encoding", cte)
	}
	w, err := parent.CreatePart(h.Header)
	must(err)
	_, err = io.Copy(w, bytes.NewReader(body))
	must(err)
	must(w.Close())
}

func inner(from, subject, text string) []byte {
	addr, err := netmail.ParseAddress(from)
	must(err)
	var h mail.Header
	h.SetDate(time.Now())
	h.SetAddressList("From", []*mail.Address{{Name: addr.Name, Address: addr.Address}})
	h.SetSubject(subject)
	h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	h.Set("Content-Transfer-Encoding", "quoted-printable")
	var buf bytes.Buffer
	w, err := message.CreateWriter(&buf, h.Header)
	must(err)
	_, err = w.Write([]byte(text))
	must(err)
	must(w.Close())
	return buf.Bytes()
}

func compose(c mailCase) []byte {
	cs := "utf-8" // the writer refuses any other charset ("The charset needs to be utf-8 or us-ascii")
	var h mail.Header
	h.SetDate(time.Now())
	h.SetAddressList("From", []*mail.Address{{Name: c.From.Name, Address: c.From.Addr}})
	h.SetAddressList("To", []*mail.Address{{Address: "support@example.com"}})
	h.SetSubject(c.Subject)
	must(h.GenerateMessageID())
	h.SetContentType("multipart/mixed", nil)
	var out bytes.Buffer
	mw, err := message.CreateWriter(&out, h.Header)
	must(err)

	body := mw
	if c.HTML != "" {
		var ah message.Header
		ah.SetContentType("multipart/alternative", nil)
		body, err = mw.CreatePart(ah)
		must(err)
	}
	textPart(body, "plain", cs, []byte(c.Text))
	if c.HTML != "" {
		htmlParent := body
		if len(c.Inline) > 0 {
			var rh message.Header
			rh.SetContentType("multipart/related", map[string]string{"type": "text/html"})
			htmlParent, err = body.CreatePart(rh)
			must(err)
		}
		textPart(htmlParent, "html", cs, []byte(c.HTML))
		for _, in := range c.Inline {
			filePart(htmlParent, "inline", in.Type, in.Name, in.Cid, "base64", decode(in.Content))
		}
		if htmlParent != body {
			must(htmlParent.Close())
		}
		must(body.Close())
	}
	for _, a := range c.Attachments {
		filePart(mw, "attachment", a.Type, a.Name, "", "base64", decode(a.Content))
	}
	if f := c.Forward; f != nil {
		filePart(mw, "attachment", "message/rfc822", f.Name, "", "", inner(f.From, f.Subject, f.Text))
	}
	must(mw.Close())
	return out.Bytes()
}

func decode(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	must(err)
	return b
}

func main() {
	raw, err := os.ReadFile(os.Args[1])
	must(err)
	var doc struct{ Cases []mailCase }
	must(json.Unmarshal(raw, &doc))
	for _, c := range doc.Cases {
		must(os.WriteFile(filepath.Join(os.Args[2], c.ID+".eml"), compose(c), 0o644))
	}
}
