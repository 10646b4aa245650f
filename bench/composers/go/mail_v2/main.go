// Composer for gopkg.in/mail.v2 (go-mail/mail, the maintained gomail fork), Debian's
// golang-gopkg-mail.v2-dev: NewMessage(SetCharset), SetAddressHeader, SetBody, AddAlternative,
// EmbedReader, AttachReader and Message.WriteTo, as its README and examples show.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	netmail "net/mail"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/text/encoding/charmap"
	"gopkg.in/mail.v2"
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

// inCharset gives the bytes a Go program would hold for s in the chosen charset: gomail only
// labels parts and encoded-words with the charset, the caller supplies the bytes.
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
	if err != nil {
		panic(err)
	}
	return out
}

func compose(c mailCase) []byte {
	cs := c.Charset
	if cs == "" {
		cs = "UTF-8"
	}
	enc := func(s string) string { return inCharset(cs, s) }
	m := mail.NewMessage(mail.SetCharset(cs))
	m.SetAddressHeader("From", c.From.Addr, enc(c.From.Name))
	m.SetHeader("To", "support@example.com")
	m.SetHeader("Subject", enc(c.Subject))
	m.SetBody("text/plain", enc(c.Text))
	if c.HTML != "" {
		m.AddAlternative("text/html", enc(c.HTML))
		for _, in := range c.Inline {
			m.EmbedReader(enc(in.Name), bytes.NewReader(decode(in.Content)),
				mail.SetHeader(map[string][]string{"Content-ID": {"<" + in.Cid + ">"}}))
		}
	}
	for _, a := range c.Attachments {
		m.AttachReader(enc(a.Name), bytes.NewReader(decode(a.Content)))
	}
	if f := c.Forward; f != nil {
		from, err := netmail.ParseAddress(f.From)
		if err != nil {
			panic(err)
		}
		inner := mail.NewMessage()
		inner.SetAddressHeader("From", from.Address, from.Name)
		inner.SetHeader("Subject", f.Subject)
		inner.SetBody("text/plain", f.Text)
		var buf bytes.Buffer
		if _, err := inner.WriteTo(&buf); err != nil {
			panic(err)
		}
		m.AttachReader(enc(f.Name), &buf)
	}
	var out bytes.Buffer
	if _, err := m.WriteTo(&out); err != nil {
		panic(err)
	}
	return out.Bytes()
}

func decode(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func main() {
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var doc struct{ Cases []mailCase }
	if err := json.Unmarshal(raw, &doc); err != nil {
		panic(err)
	}
	for _, c := range doc.Cases {
		if err := os.WriteFile(filepath.Join(os.Args[2], c.ID+".eml"), compose(c), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
