# Sourced by the scripts that run the unpacked Postfix (unpack_postfix.sh) as a private instance:
# composers/gateways/postfix_local.sh and robots/postfix.sh. Each writes its own main.cf from
# postfix_main_cf's lines plus its own, and master.cf from postfix_master_cf's plus its own.
POSTFIX_ROOT=/tmp/sd_composers/gw/postfix/root
export LD_LIBRARY_PATH=$POSTFIX_ROOT/usr/lib/postfix

postfix_main_cf() {  # postfix_main_cf BASE LOG_PREFIX: paths under BASE, the unpacked programs, existing users
    local root=$POSTFIX_ROOT
    cat <<CF
compatibility_level = 3.6
queue_directory = $1/queue
data_directory = $1/data
command_directory = $root/usr/sbin
daemon_directory = $root/usr/lib/postfix/sbin
shlib_directory = $root/usr/lib/postfix
meta_directory = $root/etc/postfix
sendmail_path = $root/usr/sbin/sendmail
newaliases_path = $root/usr/bin/newaliases
mailq_path = $root/usr/bin/mailq
manpage_directory = $root/usr/share/man
mail_owner = mail
setgid_group = news
default_privs = nobody
import_environment = MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG=C LD_LIBRARY_PATH=$root/usr/lib/postfix
maillog_file = $1/log/maillog
maillog_file_prefixes = $2
inet_interfaces = loopback-only
inet_protocols = ipv4
biff = no
smtputf8_enable = yes
CF
}

postfix_master_cf() {  # postfix_master_cf: the services a local-delivery and relaying instance needs
    cat <<CF
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
CF
}
