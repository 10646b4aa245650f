// Composer for github.com/jhillyerd/enmime (Debian's golang-github-jhillyerd-enmime-dev):
// enmime.Builder() with From, To, Subject, Text, HTML, AddInline, AddAttachment, then
// Build() and Part.Encode. The builder has no charset option: every part is utf-8.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	netmail "net/mail"
	"os"
	"path/filepath"

	"github.com/jhillyerd/enmime"
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

func compose(c mailCase) []byte {
	b := enmime.Builder().
		From(c.From.Name, c.From.Addr).
		To("", "support@example.com").
		Subject(c.Subject).
		Text([]byte(c.Text))
	if c.HTML != "" {
		b = b.HTML([]byte(c.HTML))
		for _, in := range c.Inline {
			b = b.AddInline(decode(in.Content), in.Type, in.Name, in.Cid)
		}
	}
	for _, a := range c.Attachments {
		b = b.AddAttachment(decode(a.Content), a.Type, a.Name)
	}
	if f := c.Forward; f != nil {
		var buf bytes.Buffer
		from, err := netmail.ParseAddress(f.From)
		must(err)
		inner, err := enmime.Builder().From(from.Name, from.Address).To("", "support@example.com").
			Subject(f.Subject).Text([]byte(f.Text)).Build()
		must(err)
		must(inner.Encode(&buf))
		b = b.AddAttachment(buf.Bytes(), "message/rfc822", f.Name)
	}
	root, err := b.Build()
	must(err)
	var out bytes.Buffer
	must(root.Encode(&out))
	return out.Bytes()
}
