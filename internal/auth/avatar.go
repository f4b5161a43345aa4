package auth

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/huiying/huiying/internal/apperr"
)

// MaxAvatarBytes is the largest avatar image accepted: it is shown at 32 to
// 96 pixels, so a small picture is plenty.
const MaxAvatarBytes = 256 << 10

// avatarTypes are the image formats accepted, by their sniffed type; the
// server decides the type from the bytes, never from what the browser
// claims, and serves it with that type only.
var avatarTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

func avatarURL(agentID string, version int64) string {
	return "/api/v1/agents/" + agentID + "/avatar?v=" + strconv.FormatInt(version, 36)
}

// Avatar is an agent's stored avatar image.
type Avatar struct {
	ContentType string
	Data        []byte
}

// SetAvatar stores img as the agent's avatar, replacing the one before.
// Only PNG, JPEG, GIF and WebP images of at most MaxAvatarBytes are taken.
func (s *Service) SetAvatar(ctx context.Context, agentID string, img []byte) (Agent, error) {
	if len(img) == 0 {
		return Agent{}, apperr.New(apperr.Invalid, "the avatar file is empty (头像文件为空)")
	}
	if len(img) > MaxAvatarBytes {
		return Agent{}, apperr.New(apperr.TooLarge, "the avatar is %d KiB; the limit is %d KiB (头像文件过大)", (len(img)+1023)/1024, MaxAvatarBytes>>10)
	}
	ct := http.DetectContentType(img)
	if !avatarTypes[ct] {
		return Agent{}, apperr.New(apperr.Unsupported, "the avatar must be a PNG, JPEG, GIF or WebP image (头像必须是 PNG、JPEG、GIF 或 WebP 图片)")
	}
	now := s.now().UnixMilli()
	if _, err := s.db.Exec(ctx, `INSERT INTO agent_avatars (agent_id, content_type, data, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (agent_id) DO UPDATE SET content_type = excluded.content_type, data = excluded.data, updated_at = excluded.updated_at`,
		agentID, ct, base64.StdEncoding.EncodeToString(img), now); err != nil {
		return Agent{}, fmt.Errorf("store the avatar of agent %s: %w", agentID, err)
	}
	return s.AgentByID(ctx, agentID)
}

// DeleteAvatar removes the agent's avatar; without one it does nothing.
func (s *Service) DeleteAvatar(ctx context.Context, agentID string) (Agent, error) {
	if _, err := s.db.Exec(ctx, "DELETE FROM agent_avatars WHERE agent_id = ?", agentID); err != nil {
		return Agent{}, fmt.Errorf("delete the avatar of agent %s: %w", agentID, err)
	}
	return s.AgentByID(ctx, agentID)
}

// AvatarOf returns the agent's avatar, or not_found without one.
func (s *Service) AvatarOf(ctx context.Context, agentID string) (Avatar, error) {
	var a Avatar
	var data string
	err := s.db.QueryRow(ctx, "SELECT content_type, data FROM agent_avatars WHERE agent_id = ?", agentID).Scan(&a.ContentType, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return a, apperr.New(apperr.NotFound, "agent %q has no avatar", agentID)
	}
	if err != nil {
		return a, fmt.Errorf("read the avatar of agent %s: %w", agentID, err)
	}
	if a.Data, err = base64.StdEncoding.DecodeString(data); err != nil {
		return a, fmt.Errorf("avatar of agent %s: %w", agentID, err)
	}
	return a, nil
}
