#!/usr/bin/env bash
# Emacs's Message mode with MML (Debian package emacs-nox; version from `emacs --version`), run with
# `emacs --batch` the way a user composes: user-full-name/user-mail-address for From, (message-mail TO
# SUBJECT), the text typed into the body, HTML as <#multipart type=alternative> with the images in a
# <#multipart type=related> as parts with an id (Content-ID), attachments with (mml-attach-file FILE TYPE
# nil "attachment"), the forwarded mail (itself sent by Emacs) attached as message/rfc822, and
# mm-coding-system-priorities set to the case's charset. message-send hands the MIME-encoded mail to
# sendmail-program, a stand-in that saves it.
set -euo pipefail
command -v emacs >/dev/null || { echo "emacs not installed (apt-get install emacs-nox)" >&2; exit 3; }
cases=$(realpath "$1"); out=$(realpath "$2")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export HOME="$work/home" LC_ALL=C.UTF-8; mkdir -p "$HOME"
printf '#!/bin/sh\ncat > "$SD_DUMP"\n' > "$work/sendmail"; chmod +x "$work/sendmail"

# One folder per case (lib/unpack_cases.pl).
perl "$(dirname "$0")/lib/unpack_cases.pl" "$cases" "$work/cases"

cat > "$work/compose.el" <<'ELISP'
;;; Compose every case folder with Message mode + MML; argv: CASES-DIR OUTDIR SENDMAIL.  -*- lexical-binding: t -*-
(require 'message)
(require 'mml)
(let ((cases (nth 0 command-line-args-left)) (out (nth 1 command-line-args-left)))
  (setq message-send-mail-function #'message-send-mail-with-sendmail
        sendmail-program (nth 2 command-line-args-left)
        message-interactive nil mail-host-address "example.com"
        message-kill-buffer-on-exit t message-generate-headers-first nil)
  (defun sd-read (file)  ; a case file's text (UTF-8), "" when absent
    (if (file-exists-p file)
        (with-temp-buffer (let ((coding-system-for-read 'utf-8)) (insert-file-contents file)) (buffer-string))
      ""))
  (defun sd-items (dir)  ; ((path type cid) ...) of att/ or inline/
    (mapcar (lambda (n) (let ((sub (expand-file-name n dir)))
                          (list (car (directory-files sub t "\\`[^.]\\|\\`\\.[^.]"))
                                (sd-read (concat sub ".type")) (sd-read (concat sub ".cid")))))
            (sort (directory-files dir nil "\\`[0-9]+\\'") (lambda (a b) (< (string-to-number a) (string-to-number b))))))
  (defun sd-text (text)  ; body text typed into the buffer, MML-quoted
    (let ((start (point))) (insert text) (mml-quote-region start (point))))
  (defun sd-send (dump name addr subject charset body-fn)
    (setq user-full-name name user-mail-address addr
          mm-coding-system-priorities (list (intern (downcase charset))))
    (setenv "SD_DUMP" dump)
    (message-mail "support@example.com" subject)
    (message-goto-body)
    (funcall body-fn)
    (message-send-and-exit))
  (dolist (d (directory-files cases t "\\`[^.]"))
    (let* ((text (sd-read (expand-file-name "text" d))) (html (sd-read (expand-file-name "html" d)))
           (inline (sd-items (expand-file-name "inline" d))) (atts (sd-items (expand-file-name "att" d)))
           (fwd (expand-file-name "fwd" d)) inner)
      (when (file-directory-p fwd)
        (let ((from (mail-extract-address-components (sd-read (expand-file-name "from" fwd)))))
          (make-directory (expand-file-name "mail" fwd))
          (setq inner (expand-file-name (sd-read (expand-file-name "name" fwd)) (expand-file-name "mail" fwd)))
          (sd-send inner (car from) (cadr from) (sd-read (expand-file-name "subject" fwd)) "utf-8"
                   (lambda () (sd-text (sd-read (expand-file-name "text" fwd)))))))
      (sd-send (expand-file-name (concat (file-name-nondirectory d) ".eml") out)
               (sd-read (expand-file-name "from_name" d)) (sd-read (expand-file-name "from_addr" d))
               (sd-read (expand-file-name "subject" d)) (sd-read (expand-file-name "charset" d))
               (lambda ()
                 (if (string-empty-p html)
                     (sd-text text)
                   (unless (string-empty-p text)
                     (mml-insert-tag 'multipart 'type "alternative")
                     (mml-insert-tag 'part 'type "text/plain") (sd-text text) (insert "\n"))
                   (when inline (mml-insert-tag 'multipart 'type "related"))
                   (mml-insert-tag 'part 'type "text/html") (sd-text html) (insert "\n")
                   (dolist (i inline)
                     (mml-insert-empty-tag 'part 'type (nth 1 i) 'filename (nth 0 i) 'disposition "inline"
                                           'id (concat "<" (nth 2 i) ">")))
                   (when inline (insert "<#/multipart>\n"))
                   (unless (string-empty-p text) (insert "<#/multipart>\n")))
                 (dolist (a atts) (mml-attach-file (nth 0 a) (nth 1 a) nil "attachment"))
                 (when inner (mml-attach-file inner "message/rfc822" nil "attachment")))))))
ELISP
emacs --batch -Q -l "$work/compose.el" "$work/cases" "$out" "$work/sendmail" 2>"$work/emacs.log" \
  || { cat "$work/emacs.log" >&2; exit 1; }
