// Words that tell what a field is for. Text is normalised first (see
// normalize): lower case, camelCase and _-.[] split into spaces, so
// "user[otp_attempt]" reads "user otp attempt" and "mfaCode" reads "mfa code".

/** Words that, in a field's own name/id/label, say "one-time code". */
export const OTP_STRONG = new RegExp(
  [
    "\\b(?:otp|totp|hotp|otc|2fa|mfa|tfa|2sv|passcode|authenticator|one ?time(?: pass(?:word|code)?| code| pin)?)\\b",
    "\\btwo ?(?:factor|step)\\b",
    "\\b2 ?(?:factor|step)\\b",
    "\\b(?:verification|verify|verif|authentication|auth|login|sign ?in|signin|confirmation|access|security|app) ?code\\b",
    "\\bcode (?:from|in) (?:your |the )?(?:authenticator|app)\\b",
    // French, German, Spanish, Portuguese, Italian, Dutch, Polish, Swedish, Danish/Norwegian, Finnish, Czech, Turkish
    "code de (?:v[ée]rification|s[ée]curit[ée]|connexion|confirmation)|code (?:à|a) usage unique|code d'authentification",
    "best[äa]tigungscode|sicherheitscode|einmal(?:code|passwort|kennwort)|authentifizierungscode|verifizierungscode|anmeldecode|zwei ?faktor",
    "c[óo]digo de (?:verificaci[óo]n|verifica[çc][ãa]o|seguran[çc]a|seguridad|autenticaci[óo]n|autentica[çc][ãa]o|acceso|acesso|un solo uso|confirmaci[óo]n)",
    "codice (?:di verifica|di sicurezza|otp|monouso|di autenticazione)",
    "verificatiecode|beveiligingscode|authenticatiecode|eenmalige code",
    "kod (?:weryfikacyjny|uwierzytelniaj[ąa]cy|jednorazowy|bezpiecze[ńn]stwa)",
    "verifieringskod|engångskod|bekr[äa]ftelsekod|engangskode|bekreftelseskode|bekr[æa]ftelseskode|vahvistuskoodi|kertak[äa]ytt[öo]koodi",
    "ov[ěe]řovac[íi] k[óo]d|jednor[áa]zov[ýy] k[óo]d|do[ğg]rulama kodu|g[üu]venlik kodu",
    // Japanese, Chinese, Korean, Russian/Ukrainian, Greek, Arabic, Hebrew, Hindi (label text only, no \b)
    "確認コード|認証コード|ワンタイム|セキュリティコード|验证码|驗證碼|校验码|动态码|動態碼|安全码|인증 ?코드|인증번호|보안 ?코드|일회용",
    "код подтверждения|одноразов|код проверки|код безопасности|код аутентификации|код из приложения|код підтвердження|κωδικ[όο]ς επαλ[ήη]θευσης|رمز التحقق|קוד אימות|सत्यापन कोड",
  ].join("|"),
  "u",
);

/** A generic "code" word: a hint, not proof. */
export const OTP_CODE_WORD = /\b(?:code|codes|pin|token|c[óo]digo|codice|kod|koodi|kode|kód)\b|コード|码|碼|코드|код|κωδικ/u;

/**
 * Words that rule a field out whatever else it says: codes that are not 2FA
 * codes, and fields that are not codes at all.
 */
export const HARD_NEGATIVE = new RegExp(
  [
    // promotions
    "\\b(?:promo|promotion|promotional|coupon|voucher|discount|gift ?card|giftcard|gift|referral|referrer|invite|invitation|redeem|redemption|rabatt|gutschein|cup[óo]n|descuento|bon de r[ée]duction)",
    // postal codes
    "\\b(?:postal|post ?code|postcode|zip|zipcode|plz|postleitzahl|cep)\\b|code postal|c[óo]digo postal|codice postale|郵便番号|邮编|邮政编码|우편번호|почтовый индекс|индекс",
    // captchas
    "captcha|图形验证码|图片验证码|圖形驗證碼|画像認証",
    // search
    "\\b(?:search|suche|buscar|recherche|ricerca|zoeken)\\b|検索|搜索|검색|поиск",
    // recovery codes
    "\\b(?:recovery|backup|scratch|rescue|emergency)\\b|wiederherstellung|r[ée]cup[ée]ration|recuperaci[óo]n|recupera[çc][ãa]o|ripristino|herstel|odzyskiwania|リカバリー|恢复码|備用|备用|복구|резервн|восстановлени",
    // payment cards
    "\\b(?:cvc|cvv|cvn|csc|cvc2|cvv2|cc ?csc|card ?code|card security|security number|card number|card verification|kartenpr[üu]f|cryptogramme)\\b",
    // quantities and money
    "\\b(?:quantity|qty|amount|price|menge|anzahl|cantidad|quantit[ée]|montant|betrag)\\b",
  ].join("|"),
  "u",
);

/**
 * Words that rule a field out unless it also says "one-time code" itself:
 * phone numbers, user names, e-mail addresses and login passwords.
 */
export const SOFT_NEGATIVE =
  /\b(?:phone|mobile|telephone|tel|telefon|tel[ée]fono|t[ée]l[ée]phone|telefone|telefono|msisdn|cell|cellphone|username|user ?name|user ?id|login ?id|e ?mail|email|mail|account ?name|password|passwort|contrase[ñn]a|mot de passe|name|first ?name|last ?name|address|city|iban|account ?number)\b|電話|电话|手机|휴대폰|전화|телефон|パスワード|密码|비밀번호|пароль/u;

/** Page text near a card form; such a page is no place for a 2FA code. */
export const CARD_CONTEXT = /\b(?:card ?number|expiry|expiration|cardholder|cvc|cvv|credit card|debit card)\b/u;

/** autocomplete tokens that name some other kind of field. */
export const OTHER_AUTOCOMPLETE =
  /\b(?:username|email|current-password|new-password|tel|tel-national|tel-local|postal-code|cc-csc|cc-number|cc-exp|name|given-name|family-name|street-address|address-line1|bday|transaction-amount)\b/;

/** Lower-cases text and splits identifiers into words: "mfaCode" → "mfa code", "user[otp_attempt]" → "user otp attempt". */
export function normalize(s: string): string {
  return s
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .replace(/[_\-.[\]:/]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}
