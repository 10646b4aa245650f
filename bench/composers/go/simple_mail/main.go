// Composer for github.com/xhit/go-simple-mail/v2 (Debian's golang-github-xhit-go-simple-mail-dev):
// mail.NewMSG() with Charset, SetFrom, AddTo, SetSubject, SetBody, AddAlternative and
// Attach(&mail.File{Name, Data, MimeType, Inline}), serialised by Email.GetMessage().
package main

import (
	"encoding/base64"
	"encoding/json"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"

	mail "github.com/xhit/go-simple-mail/v2"
	"golang.org/x/text/encoding/charmap"
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

// inCharset: the library labels body and encoded-words with Email.Charset, the caller
// supplies the bytes in that charset.
func inCharset(charset, s string) string {
	var enc *charmap.Charmap
	switch strings.ToLower(charset) {
	case "windows-1251":
		enc = charmap.Windows1251
	case "koi8-r":
		enc = charmap.KOI8R
	default:
		return s
	}
	out, err := enc.NewEncoder().String(s)
	must(err)
	return out
}

func compose(c mailCase) []byte {
	cs := c.Charset
	if cs == "" {
		cs = "UTF-8"
	}
	enc := func(s string) string { return inCharset(cs, s) }
	m := mail.NewMSG()
	m.Charset = cs
	// SetFrom parses its argument with net/mail; a quoted/encoded name survives that parse.
	m.SetFrom((&netmail.Address{Name: c.From.Name, Address: c.From.Addr}).String()).
		AddTo("support@example.com").
		SetSubject(enc(c.Subject)).
		SetBody(mail.TextPlain, enc(c.Text))
	if c.HTML != "" {
		m.AddAlternative(mail.TextHTML, enc(c.HTML))
		for _, in := range c.Inline {
			// the library derives the Content-ID from the name; no way to pass the case's cid
			m.Attach(&mail.File{Name: enc(in.Name), Data: decode(in.Content), MimeType: in.Type, Inline: true})
		}
	}
	for _, a := range c.Attachments {
		m.Attach(&mail.File{Name: enc(a.Name), Data: decode(a.Content), MimeType: a.Type})
	}
	if f := c.Forward; f != nil {
		inner := mail.NewMSG()
		inner.SetFrom(f.From).AddTo("support@example.com").SetSubject(f.Subject).SetBody(mail.TextPlain, f.Text)
		must(inner.Error)
		m.Attach(&mail.File{Name: enc(f.Name), Data: []byte(inner.GetMessage()), MimeType: "message/rfc822"})
	}
	must(m.Error)
	return []byte(m.GetMessage())
}
