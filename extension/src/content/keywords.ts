// Words that tell what a field is for. Matching is by word sets and plain
// substring search, not by big regular expressions: those cost milliseconds
// to compile and run on every page, which a content script cannot afford.
//
// All text, keywords included, goes through normalize(): camelCase split,
// lower case, accents dropped, anything but letters and digits turned into
// single spaces. So "user[otp_attempt]" reads "user otp attempt", "mfaCode"
// reads "mfa code" and "Código de verificación" reads "codigo de verificacion".

/** Normalises text for matching (see the file comment). */
export function normalize(s: string): string {
  return s
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** Normalised text, ready for Lexicon.test. */
export interface Words {
  /** The normalised text with a space at each end, for phrase search. */
  readonly padded: string;
  readonly tokens: ReadonlySet<string>;
}

export function words(raw: string): Words {
  const n = normalize(raw);
  return { padded: ` ${n} `, tokens: new Set(n.split(" ")) };
}

/**
 * A list of keywords. A plain word matches a whole word; a phrase (with
 * spaces) matches whole words in a row; an entry ending in "*" matches
 * anywhere, for word stems and for scripts written without spaces (CJK).
 */
export class Lexicon {
  private single: Set<string> | null = null;
  private inner: string[] = [];

  /** list: keywords separated by "|". Parsed on first use: most pages never need it. */
  constructor(private readonly list: string) {}

  private parse(): Set<string> {
    const single = new Set<string>();
    // Most keywords are written normalised already; only the others pay for normalize().
    const norm = (k: string) => (/^[a-z0-9 ]*$/.test(k) ? k : normalize(k));
    for (const k of this.list.split("|")) {
      if (k.endsWith("*")) this.inner.push(norm(k.slice(0, -1)));
      else {
        const n = norm(k);
        if (n.includes(" ")) this.inner.push(` ${n} `);
        else single.add(n);
      }
    }
    return (this.single = single);
  }

  test(w: Words): boolean {
    const single = this.single ?? this.parse();
    for (const t of w.tokens) if (single.has(t)) return true;
    for (const p of this.inner) if (w.padded.includes(p)) return true;
    return false;
  }
}

/** Words that, in a field's own name/id/label, say "one-time code". */
export const OTP_STRONG = new Lexicon(
  "otp|totp|hotp|otc|2fa|mfa|tfa|2sv|twofa|passcode|authenticator|onetime|twofactor|otpcode|totpcode|mfacode|authcode|smscode|verificationcode|" +
  "one time|two factor|two step|2 step|2 factor|multi factor|verification code|verify code|authentication code|auth code|login code|sign in code|signin code|confirmation code|access code|app code|security code|sms code|6 digit code|code from your authenticator|" +
  // French, Spanish, Portuguese, Italian
  "code de verification|code de securite|code de connexion|code de confirmation|code a usage unique|code d authentification|codigo de verificacion|codigo de verificacao|codigo de seguranca|codigo de seguridad|codigo de autenticacion|codigo de autenticacao|codigo de acceso|codigo de acesso|codigo de un solo uso|codigo de confirmacion|codice di verifica|codice di sicurezza|codice otp|codice monouso|codice di autenticazione|" +
  // German, Dutch, Nordic, Polish, Czech, Turkish
  "bestatigungscode|sicherheitscode|einmalcode|einmalpasswort|einmalkennwort|authentifizierungscode|verifizierungscode|anmeldecode|zweifaktor|verificatiecode|beveiligingscode|authenticatiecode|verifieringskod|engangskod|bekraftelsekod|engangskode|bekreftelseskode|bekraftelseskode|vahvistuskoodi|kertakayttokoodi|" +
  "eenmalige code|kod weryfikacyjny|kod uwierzytelniajacy|kod jednorazowy|kod bezpieczenstwa|overovaci kod|jednorazovy kod|dogrulama kodu|guvenlik kodu|" +
  // Russian, Ukrainian, Greek, Arabic, Hebrew, Hindi
  "код подтверждения|код проверки|код безопасности|код аутентификации|код из приложения|код підтвердження|κωδικος επαληθευσης|رمز التحقق|קוד אימות|सत्यापन कोड|" +
  "одноразов*|確認コード*|認証コード*|ワンタイム*|セキュリティコード*|验证码*|驗證碼*|校验码*|动态码*|動態碼*|安全码*|인증코드*|인증 코드*|인증번호*|보안코드*|일회용*",
);

/** A generic "code" word: a hint, not proof. */
export const OTP_CODE_WORD = new Lexicon(
  "code|codes|pin|token|codigo|codice|kod|koodi|kode|" +
  "コード*|码*|碼*|코드*|код*|κωδικ*",
);

/** Words that rule a field out whatever else it says: codes that are not 2FA codes, and fields that are not codes at all. */
export const HARD_NEGATIVE = new Lexicon(
  // promotions
  "promo|promotion|promotional|promocode|coupon|couponcode|voucher|discount|giftcard|gift|referral|referrer|invite|invitation|redeem|redemption|rabatt|gutschein|cupon|descuento|" +
  "bon de reduction|" +
  // postal codes
  "postal|postcode|zip|zipcode|plz|postleitzahl|cep|" +
  "post code|code postal|codigo postal|codice postale|" +
  "郵便番号*|邮编*|邮政编码*|우편번호*|почтов*|индекс*|" +
  // captchas
  "captcha*|图形验证码*|图片验证码*|圖形驗證碼*|画像認証*|" +
  // search
  "search|suche|buscar|recherche|ricerca|zoeken|" +
  "検索*|搜索*|검색*|поиск*|" +
  // recovery and backup codes
  "recovery|backup|scratch|rescue|emergency|" +
  "wiederherstellung*|recuperation*|recuperacion*|recuperacao*|ripristino*|herstel*|odzyskiwania*|リカバリー*|恢复码*|備用*|备用*|복구*|резервн*|восстановлени*|" +
  // payment cards
  "cvc|cvv|cvn|csc|ccv|cvc2|cvv2|cardcode|cryptogramme|" +
  "card code|card security|security number|card number|card verification|cc csc|" +
  "kartenpruf*|" +
  // quantities and money
  "quantity|qty|amount|price|menge|anzahl|cantidad|quantite|montant|betrag",
);

/** Words that rule a field out unless it also says "one-time code" itself: phone numbers, user names, e-mail, passwords. */
export const SOFT_NEGATIVE = new Lexicon(
  "phone|mobile|telephone|tel|telefon|telefono|telefone|msisdn|cell|cellphone|username|userid|loginid|email|mail|password|passwort|contrasena|name|firstname|lastname|address|city|iban|" +
  "user name|user id|login id|e mail|account name|account number|first name|last name|mot de passe|" +
  "電話*|电话*|手机*|휴대폰*|전화*|телефон*|パスワード*|密码*|비밀번호*|пароль*",
);

/** Page text near a card form; such a page is no place for a 2FA code. */
export const CARD_CONTEXT = new Lexicon(
  "expiry|expiration|cardholder|cvc|cvv|" +
  "card number|credit card|debit card",
);

/** autocomplete tokens that name some other kind of field. */
export const OTHER_AUTOCOMPLETE = new Set(
  "username email current-password new-password tel tel-national tel-local postal-code cc-csc cc-number cc-exp name given-name family-name street-address address-line1 bday transaction-amount".split(
    " ",
  ),
);
