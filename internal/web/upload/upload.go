// Package upload receives a file attached to a message (multipart form,
// size and type checks, the secret guard on text files, storage) and
// serves stored attachments back. The agent API and the web-chat channel
// share it.
package upload

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/huiying/huiying/internal/apperr"
	"github.com/huiying/huiying/internal/attachment"
	"github.com/huiying/huiying/internal/conversation"
	"github.com/huiying/huiying/internal/guard"
)

// Conversations is what uploads read and write in the conversation store.
type Conversations interface {
	MessageByClientID(ctx context.Context, conversationID, clientID string) (conversation.Message, bool, error)
	AddAttachment(ctx context.Context, conversationID string, a conversation.AttachmentRef, sha string) error
	DeleteAttachment(ctx context.Context, conversationID, id string) error
	Attachment(ctx context.Context, conversationID, id string) (conversation.AttachmentRef, error)
}

// Files receives and serves attachments.
type Files struct {
	Conversations Conversations
	Storage       attachment.Storage
	// MaxBytes is the largest file taken.
	MaxBytes int64
}

// Receive reads a multipart form with a "file" part (and optional "body"
// and "client_message_id" fields). The client message id is checked, then
// vet checks the message (an agent's goes through the same asks-for-a-
// secret check as a typed reply). A retry of a message already stored
// returns it without storing the file again. Otherwise the file's size and
// sniffed type are checked, a text file's content goes through the secret
// guard, and the file and its metadata are stored; commit then appends the
// message, and if that fails the file is removed again, so a refused upload
// leaves nothing behind.
func (f Files) Receive(w http.ResponseWriter, r *http.Request, nm conversation.NewMessage,
	vet func(conversation.NewMessage) error,
	commit func(conversation.NewMessage) (conversation.Appended, error)) (conversation.Appended, error) {
	r.Body = http.MaxBytesReader(w, r.Body, f.MaxBytes+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return conversation.Appended{}, apperr.New(apperr.TooLarge, "the upload is larger than the %d byte limit", f.MaxBytes)
		}
		return conversation.Appended{}, apperr.New(apperr.Invalid, "send the file as multipart/form-data with a part named \"file\"")
	}
	defer r.MultipartForm.RemoveAll()
	nm.Body, nm.ClientMessageID = r.FormValue("body"), r.FormValue("client_message_id")
	if err := conversation.ValidateClientMessageID(nm.ClientMessageID); err != nil {
		return conversation.Appended{}, err
	}
	if err := vet(nm); err != nil {
		return conversation.Appended{}, err
	}
	if nm.ClientMessageID != "" {
		orig, found, err := f.Conversations.MessageByClientID(r.Context(), nm.ConversationID, nm.ClientMessageID)
		if err != nil || found {
			return conversation.Appended{Message: orig, Duplicate: found}, err
		}
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return conversation.Appended{}, apperr.New(apperr.Invalid, "the form has no part named \"file\"")
	}
	defer file.Close()
	br := bufio.NewReaderSize(file, 512)
	head, _ := br.Peek(512)
	ct, err := attachment.Sniff(head)
	if err != nil {
		return conversation.Appended{}, err
	}
	var content io.Reader = br
	if attachment.IsText(ct) {
		// Text is read whole (at most MaxTextBytes) so that no
		// byte of a keystore, key or mnemonic reaches the disk.
		limit := min(f.MaxBytes, attachment.MaxTextBytes)
		text, err := io.ReadAll(io.LimitReader(br, limit+1))
		if err != nil {
			return conversation.Appended{}, fmt.Errorf("read uploaded text: %w", err)
		}
		if int64(len(text)) > limit {
			return conversation.Appended{}, apperr.New(apperr.TooLarge, "text files may be at most %d bytes; send a shorter extract (文本文件最大 %d 字节)", limit, limit)
		}
		if kinds := conversation.SecretKinds(string(text)); len(kinds) > 0 {
			return conversation.Appended{}, secretFileError(kinds)
		}
		content = bytes.NewReader(text)
	}
	ref := conversation.AttachmentRef{ID: strings.ToLower(conversation.NewID("at")), Filename: fileName(hdr.Filename, ct), ContentType: ct}
	nm.Attachments = []conversation.AttachmentRef{ref}
	if err := nm.Validate(); err != nil {
		return conversation.Appended{}, err
	}
	n, sha, err := f.Storage.Put(r.Context(), ref.ID, content, f.MaxBytes)
	if err != nil {
		return conversation.Appended{}, err
	}
	ref.Size = n
	nm.Attachments[0] = ref
	if err := f.Conversations.AddAttachment(r.Context(), nm.ConversationID, ref, sha); err != nil {
		_ = f.Storage.Delete(r.Context(), ref.ID)
		return conversation.Appended{}, err
	}
	a, err := commit(nm)
	if err != nil || a.Duplicate {
		// Refused, or a concurrent retry won: the new file belongs to nothing.
		ctx := context.WithoutCancel(r.Context())
		_ = f.Conversations.DeleteAttachment(ctx, nm.ConversationID, ref.ID)
		_ = f.Storage.Delete(ctx, ref.ID)
	}
	return a, err
}

// fileName is the name a file is listed and downloaded under: the client's
// base name without control characters, any secret in it replaced by the
// guard's marker, and an extension that fits the sniffed type.
func fileName(clientName, ct string) string {
	name := filepath.Base(strings.ReplaceAll(clientName, `\`, "/"))
	name = conversation.RedactName(name)
	if name == "" || name == "." || name == "/" || utf8.RuneCountInString(name) > 200 {
		name = "file"
	}
	return attachment.FileName(name, ct)
}

// secretFileError refuses a text file holding a wallet secret, saying which.
func secretFileError(kinds []string) error {
	en, zh := "a seed phrase (mnemonic)", "助记词"
	switch {
	case slices.Contains(kinds, guard.KindKeystore):
		en, zh = "a keystore (an encrypted wallet key file)", "keystore 密钥文件"
	case !slices.Contains(kinds, guard.KindMnemonic) && !slices.Contains(kinds, guard.KindMnemonicLike):
		en, zh = "a private key", "私钥"
	}
	return apperr.New(apperr.ContainsSecret, "This file contains %s, so it was not uploaded. Never send it to anyone, support included: "+
		"whoever has it can take your funds. 此文件包含%s，未上传。请勿发送给任何人（包括客服）：拿到它的人就能转走您的资产。", en, zh)
}

// Serve answers with the attachment of the conversation named by the
// request's {attachment_id}. An error is returned before anything is
// written, for the caller to answer.
func (f Files) Serve(w http.ResponseWriter, r *http.Request, conversationID string) error {
	ref, err := f.Conversations.Attachment(r.Context(), conversationID, r.PathValue("attachment_id"))
	if err != nil {
		return err
	}
	file, err := f.Storage.Open(r.Context(), ref.ID)
	if err != nil {
		return err
	}
	defer file.Close()
	disp := "attachment"
	if attachment.IsImage(ref.ContentType) {
		disp = "inline"
	}
	w.Header().Set("Content-Type", ref.ContentType)
	// Files stored before names were fitted to their type get the fitted
	// name too.
	w.Header().Set("Content-Disposition", mime.FormatMediaType(disp, map[string]string{"filename": attachment.FileName(ref.Filename, ref.ContentType)}))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; sandbox")
	w.Header().Set("Cache-Control", "private, max-age=86400")
	http.ServeContent(w, r, "", time.Time{}, file)
	return nil
}
